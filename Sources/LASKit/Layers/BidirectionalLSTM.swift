import Dispatch

/// Two LSTMs over the same padded batch: one reads each sequence forward, the other
/// reads it reversed within its own length, and their outputs are concatenated per
/// frame: y[T, B, 2H] = [h→; h←] (Schuster & Paliwal 1997). The directions are
/// independent, so they run on two threads.
public struct BidirectionalLSTM: ParameterContainer {
    public let forwardLSTM: LSTM
    public let backwardLSTM: LSTM
    public var inputSize: Int { forwardLSTM.inputSize }
    public var hiddenSize: Int { forwardLSTM.hiddenSize }
    public var outputSize: Int { 2 * forwardLSTM.hiddenSize }

    public init(name: String, inputSize: Int, hiddenSize: Int, rng: inout SplitMix64) {
        forwardLSTM = LSTM(name: name + ".forward", inputSize: inputSize, hiddenSize: hiddenSize, rng: &rng)
        backwardLSTM = LSTM(name: name + ".backward", inputSize: inputSize, hiddenSize: hiddenSize, rng: &rng)
    }

    public var parameters: [Parameter] { forwardLSTM.parameters + backwardLSTM.parameters }

    public struct Cache {
        var forward = LSTM.Cache(), backward = LSTM.Cache()
        public init() {}
    }

    public func forward(_ x: [Float], steps T: Int, batch B: Int, lengths: [Int], cache: inout Cache) -> [Float] {
        let H = hiddenSize
        var yf: [Float] = [], yb: [Float] = []
        var cf = LSTM.Cache(), cb = LSTM.Cache()
        let fwd = forwardLSTM, bwd = backwardLSTM, D = inputSize
        runConcurrently(
            { yf = fwd.forward(x, steps: T, batch: B, lengths: lengths, cache: &cf) },
            {
                let xr = SequenceReversal.reverse(x, steps: T, batch: B, width: D, lengths: lengths)
                let yr = bwd.forward(xr, steps: T, batch: B, lengths: lengths, cache: &cb)
                yb = SequenceReversal.reverse(yr, steps: T, batch: B, width: H, lengths: lengths)
            })
        cache.forward = cf; cache.backward = cb
        return FrameConcatenation.interleave(yf, yb, rows: T * B, widthA: H, widthB: H)
    }

    /// Accumulates parameter gradients; returns dL/dx, or nothing without `inputGradient`.
    public func backward(_ dy: [Float], cache: Cache, inputGradient: Bool = true) -> [Float] {
        let T = cache.forward.steps, B = cache.forward.batch, H = hiddenSize, D = inputSize
        let lengths = cache.forward.lengths
        let (dyf, dyb) = FrameConcatenation.split(dy, rows: T * B, widthA: H, widthB: H)
        var dxf: [Float] = [], dxb: [Float] = []
        let fwd = forwardLSTM, bwd = backwardLSTM
        runConcurrently(
            { dxf = fwd.backward(dyf, cache: cache.forward, inputGradient: inputGradient) },
            {
                let dyr = SequenceReversal.reverse(dyb, steps: T, batch: B, width: H, lengths: lengths)
                let dxr = bwd.backward(dyr, cache: cache.backward, inputGradient: inputGradient)
                if inputGradient { dxb = SequenceReversal.reverse(dxr, steps: T, batch: B, width: D, lengths: lengths) }
            })
        guard inputGradient else { return [] }
        dxf.withUnsafeMutableBufferPointer { a in
            dxb.withUnsafeBufferPointer { b in Kernels.add(b.baseAddress!, into: a.baseAddress!, count: a.count) }
        }
        return dxf
    }
}

/// Runs two closures at once, on two threads, each with single-threaded BLAS.
func runConcurrently(_ a: () -> Void, _ b: () -> Void) {
    BLASThreads.single {
        withoutActuallyEscaping(a) { a in
            withoutActuallyEscaping(b) { b in
                DispatchQueue.concurrentPerform(iterations: 2) { i in i == 0 ? a() : b() }
            }
        }
    }
}

/// Reverses each sequence of a time-major batch x[T, B, W] within its own length;
/// padding frames stay where they are. Its own inverse.
public enum SequenceReversal {
    public static func reverse(_ x: [Float], steps T: Int, batch B: Int, width W: Int, lengths: [Int]) -> [Float] {
        precondition(x.count == T * B * W && lengths.count == B, "SequenceReversal: shape mismatch")
        var y = [Float](overwrittenCount: x.count)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                for t in 0..<T {
                    for b in 0..<B {
                        let src = t < lengths[b] ? lengths[b] - 1 - t : t
                        (yp.baseAddress! + (t * B + b) * W).update(from: xp.baseAddress! + (src * B + b) * W, count: W)
                    }
                }
            }
        }
        return y
    }
}

/// Row-wise concatenation [a; b] of two row-major buffers with the same row count, and its inverse.
public enum FrameConcatenation {
    public static func interleave(_ a: [Float], _ b: [Float], rows: Int, widthA: Int, widthB: Int) -> [Float] {
        let W = widthA + widthB
        var y = [Float](overwrittenCount: rows * W)
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                y.withUnsafeMutableBufferPointer { yp in
                    for r in 0..<rows {
                        (yp.baseAddress! + r * W).update(from: ap.baseAddress! + r * widthA, count: widthA)
                        (yp.baseAddress! + r * W + widthA).update(from: bp.baseAddress! + r * widthB, count: widthB)
                    }
                }
            }
        }
        return y
    }

    public static func split(_ y: [Float], rows: Int, widthA: Int, widthB: Int) -> ([Float], [Float]) {
        let W = widthA + widthB
        var a = [Float](overwrittenCount: rows * widthA), b = [Float](overwrittenCount: rows * widthB)
        y.withUnsafeBufferPointer { yp in
            a.withUnsafeMutableBufferPointer { ap in
                b.withUnsafeMutableBufferPointer { bp in
                    for r in 0..<rows {
                        (ap.baseAddress! + r * widthA).update(from: yp.baseAddress! + r * W, count: widthA)
                        (bp.baseAddress! + r * widthB).update(from: yp.baseAddress! + r * W + widthA, count: widthB)
                    }
                }
            }
        }
        return (a, b)
    }
}
