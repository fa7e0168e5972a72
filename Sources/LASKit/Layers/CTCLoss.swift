#if canImport(Glibc)
import Glibc
#endif

/// Connectionist temporal classification (Graves et al. 2006): −log of the total
/// probability of all frame-level paths that collapse (merge repeats, drop blanks) to the
/// target. The forward–backward recursions run in log space over the blank-interleaved
/// target l' (length 2n+1):
///
///     α_t(s) = (α_{t-1}(s) + α_{t-1}(s−1) + [l'_s ≠ blank, l'_s ≠ l'_{s−2}] α_{t-1}(s−2)) · y_t(l'_s)
///
/// and ∂(−log P)/∂z_t(k) = y_t(k) − (1/P) Σ_{s: l'_s = k} α_t(s) β_t(s) (eq. 16 with softmax).
/// A target that no path of the utterance's length can produce contributes zero loss and
/// gradient (PyTorch's zero_infinity) and is counted in `impossible`.
public enum CTCLoss {
    public struct Result {
        public var loss: Double
        public var dLogits: [Float]
        public var impossible: Int
    }

    /// logits are time-major [T, B, V]; targets hold no blanks.
    public static func evaluate(logits: [Float], steps T: Int, batch B: Int, classes V: Int, lengths: [Int],
                                targets: [[Int32]], blank: Int32, normalizer: Float) -> Result {
        var dLogits = [Float](repeating: 0, count: logits.count)
        var total = 0.0, impossible = 0
        for b in 0..<B {
            let n = targets[b].count, S = 2 * n + 1, len = lengths[b]
            var labels = [Int](repeating: Int(blank), count: S)
            for (i, y) in targets[b].enumerated() { labels[2 * i + 1] = Int(y) }
            // Log-softmax of this utterance's frames, [len, V] in Double.
            var logp = [Double](repeating: 0, count: len * V)
            logits.withUnsafeBufferPointer { z in
                logp.withUnsafeMutableBufferPointer { out in
                    for t in 0..<len { LogSoftmax.apply(z.baseAddress! + t * B * V + b * V, count: V, into: out.baseAddress! + t * V) }
                }
            }
            var alpha = [Double](repeating: -.infinity, count: len * S)
            var beta = [Double](repeating: -.infinity, count: len * S)
            alpha[0] = logp[labels[0]]
            if S > 1 { alpha[1] = logp[labels[1]] }
            for t in 1..<max(len, 1) {
                for s in 0..<S {
                    var a = alpha[(t - 1) * S + s]
                    if s >= 1 { a = logAdd(a, alpha[(t - 1) * S + s - 1]) }
                    if s >= 2 && labels[s] != Int(blank) && labels[s] != labels[s - 2] { a = logAdd(a, alpha[(t - 1) * S + s - 2]) }
                    alpha[t * S + s] = a + logp[t * V + labels[s]]
                }
            }
            let last = (len - 1) * S
            beta[last + S - 1] = logp[(len - 1) * V + labels[S - 1]]
            if S > 1 { beta[last + S - 2] = logp[(len - 1) * V + labels[S - 2]] }
            for t in stride(from: len - 2, through: 0, by: -1) {
                for s in 0..<S {
                    var v = beta[(t + 1) * S + s]
                    if s + 1 < S { v = logAdd(v, beta[(t + 1) * S + s + 1]) }
                    if s + 2 < S && labels[s] != Int(blank) && labels[s] != labels[s + 2] { v = logAdd(v, beta[(t + 1) * S + s + 2]) }
                    beta[t * S + s] = v + logp[t * V + labels[s]]
                }
            }
            var logP = alpha[last + S - 1]
            if S > 1 { logP = logAdd(logP, alpha[last + S - 2]) }
            guard logP.isFinite else { impossible += 1; continue }
            total -= logP
            // γ_t(k) = Σ_{s: l'_s = k} α_t(s) β_t(s) / y_t(k)  (α and β both include y_t(l'_s)).
            var gamma = [Double](repeating: -.infinity, count: V)
            for t in 0..<len {
                for k in 0..<V { gamma[k] = -.infinity }
                for s in 0..<S {
                    let k = labels[s]
                    gamma[k] = logAdd(gamma[k], alpha[t * S + s] + beta[t * S + s] - logp[t * V + k])
                }
                let z = t * B * V + b * V
                for k in 0..<V {
                    dLogits[z + k] = Float((exp(logp[t * V + k]) - exp(gamma[k] - logP)) / Double(normalizer))
                }
            }
        }
        return Result(loss: total / Double(normalizer), dLogits: dLogits, impossible: impossible)
    }
}
