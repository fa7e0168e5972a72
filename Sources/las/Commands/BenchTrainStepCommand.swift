import ArgumentParser
import Foundation
import LASKit

struct BenchTrainStepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-step",
        abstract: "Time forward + backward + Adam on the las-bench model.",
        discussion: """
        Builds the las-bench configuration (3 BiLSTM layers of 256 units per direction with \
        pyramidal reduction, location-aware attention 256/10/31, embedding 64, speller 256, \
        30 symbols), feeds random N(0,1) features and random targets of exactly --tokens \
        characters, runs 3 warm-up and 10 timed steps, and prints one JSON line: \
        step_ms_median, utts_per_s, encoder_ms_median (inference forward), gflop_per_step \
        (the matrix products' floating-point operations in one step of this process), gflops \
        (those over the median step: compare with tools/bench_sgemm.sh), params. \
        tools/bench_vs_peer.sh times a PyTorch implementation on the same terms. Under mpirun \
        the processes share each batch as `las train` does (--batch stays the global batch), \
        and allreduce_ms_median is the gradient sum's share of a step; rank 0 prints.
        """)

    @Option(help: "Utterances per batch.") var batch = 16
    @Option(help: "Feature frames per utterance (10 ms each).") var frames = 300
    @Option(help: "Target characters per utterance.") var tokens = 20
    @Option(help: "Attention of the las-bench model: location, dot, additive or multihead-location.")
    var attention: AttentionKind = .location
    @Option(help: "Heads of multihead-location attention.") var attentionHeads = 1
    @Option(help: "Threads for matrix products (OpenBLAS).") var threads = 2
    @Flag(help: "Skip the encoder's inference timing (encoder_ms_median 0): a profile then sees the step alone.")
    var stepOnly = false

    func validate() throws {
        guard batch > 0, frames >= 4, tokens > 0, threads > 0 else {
            throw ValidationError("--batch, --tokens and --threads must be positive and --frames at least 4")
        }
    }

    func run() throws {
        var bench = TrainStepBenchmark()
        bench.batch = batch; bench.frames = frames; bench.tokens = tokens; bench.timesEncoder = !stepOnly
        bench.config.attention = attention; bench.config.attentionHeads = attentionHeads
        if let problem = bench.config.problem { throw ValidationError(problem) }
        let group = try ProcessGroup.join(collectiveTimeout: 600)
        guard batch >= group.size else { throw ValidationError("--batch must be at least the \(group.size) processes") }
        let result = try bench.run(threads: threads, group: group)
        group.finish()
        if group.isCoordinator { print(try JSONLine.encode(result)) }
    }
}
