#if canImport(Glibc)
import Glibc
#endif

/// Cross-entropy with label smoothing (Szegedy et al. 2016), PyTorch's convention: the
/// target distribution puts 1 − ε on the label and spreads ε over all V classes,
///
///     ℓ = −(1 − ε) log p_y − (ε / V) Σ_c log p_c,    ∂ℓ/∂z_c = p_c − (1 − ε)[c = y] − ε / V,
///
/// with log-softmax computed stably around the row maximum. Rows whose target is the
/// padding id contribute nothing.
public enum LabelSmoothedCrossEntropy {
    public struct Result {
        /// Σ ℓ over counted rows, divided by `normalizer`.
        public var loss: Double
        /// ∂loss/∂logits, same layout as the logits.
        public var dLogits: [Float]
        public var tokens: Int
        public var correct: Int
    }

    public static func evaluate(logits: [Float], targets: [Int32], classes V: Int, smoothing ε: Float,
                                ignoring pad: Int32 = 0, normalizer: Float) -> Result {
        let N = targets.count
        precondition(logits.count == N * V)
        var dLogits = [Float](repeating: 0, count: N * V)
        var total = 0.0, tokens = 0, correct = 0
        let scale = 1 / normalizer, uniform = ε / Float(V)
        logits.withUnsafeBufferPointer { lp in
            dLogits.withUnsafeMutableBufferPointer { dp in
                for n in 0..<N where targets[n] != pad {
                    let z = lp.baseAddress! + n * V, d = dp.baseAddress! + n * V
                    let y = Int(targets[n])
                    var best = 0, sumZ: Float = 0
                    for c in 0..<V { if z[c] > z[best] { best = c }; sumZ += z[c] }
                    let (m, s) = Softmax.exponentials(z, count: V, into: d)
                    let logZ = m + logf(s)
                    // −(1−ε)(z_y − logZ) − (ε/V)(Σ z_c − V logZ)
                    total += Double(-(1 - ε) * (z[y] - logZ) - uniform * (sumZ - Float(V) * logZ))
                    let inv = 1 / s
                    for c in 0..<V { d[c] = (d[c] * inv - uniform) * scale }
                    d[y] -= (1 - ε) * scale
                    tokens += 1
                    if best == y { correct += 1 }
                }
            }
        }
        return Result(loss: total / Double(normalizer), dLogits: dLogits, tokens: tokens, correct: correct)
    }
}
