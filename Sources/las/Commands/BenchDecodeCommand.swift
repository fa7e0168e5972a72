import ArgumentParser
import LASKit

struct BenchDecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Time listener + beam search on one utterance (las-bench, random weights).",
        discussion: """
        Runs the listener and a beam search forced to decode exactly --tokens output tokens \
        with a full beam (<eos> forbidden, since random weights would stop anywhere), 3 \
        warm-up and 10 timed runs, and prints one JSON line: rtf (median seconds per audio \
        second), total_ms_median, encoder_ms_median. tools/bench_vs_peer.sh \
        times a PyTorch implementation on the same terms.
        """)

    @Option(help: "Beam width.") var beam = 8
    @Option(help: "Feature frames (10 ms each).") var frames = 300
    @Option(help: "Output tokens to decode.") var tokens = 75
    @Option(help: "Attention of the las-bench model: location, dot, additive or multihead-location.")
    var attention: AttentionKind = .location
    @Option(help: "Heads of multihead-location attention.") var attentionHeads = 1
    @Option(help: "Threads for matrix products.") var threads = 2

    func validate() throws {
        guard beam >= 1, frames >= 4, tokens >= 1, threads >= 1 else {
            throw ValidationError("--beam, --tokens and --threads must be positive and --frames at least 4")
        }
    }

    func run() throws {
        var bench = DecodeBenchmark()
        bench.beam = beam; bench.frames = frames; bench.steps = tokens
        bench.config.attention = attention; bench.config.attentionHeads = attentionHeads
        if let problem = bench.config.problem { throw ValidationError(problem) }
        print(try JSONLine.encode(try bench.run(threads: threads)))
    }
}
