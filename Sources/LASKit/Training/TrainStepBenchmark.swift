import Foundation

/// The train-step benchmark, on terms a PyTorch implementation of the model can be timed on
/// too (`tools/bench_vs_peer.sh` says which and how): las-bench
/// configuration, N(0, 1) features, random targets of exactly `tokens` characters;
/// 3 warm-up and 10 timed steps of forward, backward, clipping at 5 and Adam 1e-3. Under
/// mpirun each rank computes its share of the batch and the gradients are summed as in
/// training, so the step time includes that sum.
public struct TrainStepBenchmark {
    public var batch = 16
    public var frames = 300
    public var tokens = 20
    public var warmup = 3
    public var steps = 10
    public var config = LASConfig.lasBench
    /// Also time the inference forward of the encoder after each step (off for a profile of
    /// the step alone).
    public var timesEncoder = true

    public init() {}

    public struct Result: Codable {
        public var step_ms_median: Double
        public var utts_per_s: Double
        public var encoder_ms_median: Double
        /// Floating-point operations of the step's matrix products (`MatrixProductCount`), and
        /// their rate over the whole median step: compare with the BLAS limit of the machine.
        public var gflop_per_step: Double
        public var gflops: Double
        public var params: Int
        public var batch: Int, frames: Int, tokens: Int, threads: Int
        /// Processes sharing each batch, and the median time of the gradient sum within a step.
        public var ranks = 1
        public var allreduce_ms_median = 0.0
        /// OpenBLAS's kernel family (`BLASKernels.current`): figures from different families do not compare.
        public var blas_core = BLASKernels.current
    }

    public func run(threads: Int, group: ProcessGroup = .single) throws -> Result {
        BLASThreads.set(threads)
        HeapRetention.keepFreedMemory()
        let model = LASModel(config: config, seed: 1)
        let adam = Adam(parameters: model.parameters, learningRate: 1e-3)
        var rng = SplitMix64(seed: 2)
        var x = [Float](repeating: 0, count: frames * batch * config.inputSize)
        for i in 0..<x.count { x[i] = Float(rng.nextNormal()) }
        let fb = FeatureBatch(features: x, steps: frames, count: batch, width: config.inputSize,
                              lengths: [Int](repeating: frames, count: batch))
        let targets = (0..<batch).map { _ in (0..<tokens).map { _ in Int32(2 + rng.next() % UInt64(config.vocabularySize - 2)) } }
        let mine = group.share.positions(count: batch)
        let share = FeatureBatch(features: Self.utterances(mine, of: x, frames: frames, batch: batch, width: config.inputSize),
                                 steps: frames, count: mine.count, width: config.inputSize,
                                 lengths: [Int](repeating: frames, count: mine.count))
        let exchange = group.size > 1 ? GradientExchange(parameters: model.parameters, scalars: 1) : nil
        var times: [Double] = [], encoderTimes: [Double] = [], sumTimes: [Double] = []
        MatrixProductCount.isCounting = true
        defer { MatrixProductCount.isCounting = false }
        var flops = 0
        for i in 0..<(warmup + steps) {
            let flops0 = MatrixProductCount.total
            let start = DispatchTime.now().uptimeNanoseconds
            model.zeroGrad()
            var rngs = rng.split(mine.count)
            _ = try model.loss(share, targets: Array(targets[mine]), training: true, backward: true, rngs: &rngs, normalizer: batch)
            if let exchange {
                let s0 = DispatchTime.now().uptimeNanoseconds
                _ = try exchange.sum([0], over: group)
                if i >= warmup { sumTimes.append(Double(DispatchTime.now().uptimeNanoseconds - s0) / 1e6) }
            }
            adam.update(gradientScale: clipScale(norm: gradientNorm(model.parameters), maxNorm: 5))
            let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            flops = MatrixProductCount.total - flops0
            if i >= warmup && timesEncoder {
                let e0 = DispatchTime.now().uptimeNanoseconds
                _ = model.encode(fb)
                encoderTimes.append(Double(DispatchTime.now().uptimeNanoseconds - e0) / 1e6)
            }
            if i >= warmup { times.append(ms) }
        }
        let median = Self.median(times)
        return Result(step_ms_median: median, utts_per_s: Double(batch) / (median / 1000),
                      encoder_ms_median: Self.median(encoderTimes),
                      gflop_per_step: Double(flops) / 1e9, gflops: Double(flops) / 1e6 / median,
                      params: model.parameterCount,
                      batch: batch, frames: frames, tokens: tokens, threads: threads,
                      ranks: group.size, allreduce_ms_median: Self.median(sumTimes))
    }

    /// Utterances `range` of time-major features [frames, batch, width], time-major again.
    static func utterances(_ range: Range<Int>, of x: [Float], frames: Int, batch: Int, width: Int) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(frames * range.count * width)
        for t in 0..<frames { out += x[((t * batch + range.lowerBound) * width)..<((t * batch + range.upperBound) * width)] }
        return out
    }

    static func median(_ v: [Double]) -> Double {
        let s = v.sorted()
        return s.isEmpty ? 0 : (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
    }
}
