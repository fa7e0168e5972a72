import Dispatch

/// The decoding benchmark, on the same terms as a PyTorch implementation of the model can be
/// timed (`tools/bench_vs_peer.sh` says which and how): las-bench
/// model with random weights, one utterance of N(0, 1) features, listener plus beam search
/// with <eos> forbidden so every run decodes exactly `steps` tokens with a full beam;
/// 3 warm-up and 10 timed runs. Real-time factor = median time / audio seconds.
public struct DecodeBenchmark {
    public var frames = 300
    public var beam = 8
    public var steps = 75
    public var warmup = 3
    public var runs = 10
    public var config = LASConfig.lasBench

    public init() {}

    public struct Result: Codable {
        public var rtf: Double
        public var total_ms_median: Double
        public var encoder_ms_median: Double
        public var audio_s: Double
        public var beam: Int, frames: Int, dec_steps: Int, threads: Int
        /// OpenBLAS's kernel family (`BLASKernels.current`): figures from different families do not compare.
        public var blas_core = BLASKernels.current
    }

    public func run(threads: Int) throws -> Result {
        BLASThreads.set(threads)
        let model = LASModel(config: config, seed: 1)
        var rng = SplitMix64(seed: 3)
        var x = [Float](repeating: 0, count: frames * config.inputSize)
        for i in 0..<x.count { x[i] = Float(rng.nextNormal()) }
        let batch = FeatureBatch(features: x, steps: frames, count: 1, width: config.inputSize, lengths: [frames])
        var search = BeamSearch(beamSize: beam)
        search.forbidEndOfSentence = true
        search.threads = threads
        search.maxLength = steps
        var totals: [Double] = [], encoders: [Double] = []
        var decoded = 0
        for i in 0..<(warmup + runs) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let memory = try model.attentionMemory(batch)
            let t1 = DispatchTime.now().uptimeNanoseconds
            decoded = search.decode(speller: model.speller, memory: memory).steps
            let t2 = DispatchTime.now().uptimeNanoseconds
            if i >= warmup {
                totals.append(Double(t2 - t0) / 1e6)
                encoders.append(Double(t1 - t0) / 1e6)
            }
        }
        let audio = Double(frames) * FeatureConfig().secondsPerFrame
        let median = TrainStepBenchmark.median(totals)
        return Result(rtf: median / 1000 / audio, total_ms_median: median, encoder_ms_median: TrainStepBenchmark.median(encoders),
                      audio_s: audio, beam: beam, frames: frames, dec_steps: decoded, threads: threads)
    }
}
