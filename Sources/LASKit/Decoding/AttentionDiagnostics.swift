#if canImport(Glibc)
import Glibc
#endif

/// Two numbers that say whether a decoded utterance's attention behaved, from its alignment
/// (one [heads, frames] row of α per output token, head-major, as search keeps it):
///
/// * mean entropy, (1 / (N·H)) Σ_i Σ_h −Σ_j α^h_ij ln α^h_ij, in nats: near 0 when every step
///   looks at one frame, ln(frames) when it looks everywhere alike (a lost alignment);
/// * monotonicity, the share of consecutive step pairs (i−1, i), counted per head, whose peak
///   argmax_j α^h_ij does not move backwards: 1 for an alignment that moves through the audio,
///   lower when the speller jumps back and repeats or loops (what breaks LAS on long audio).
public struct AttentionDiagnostics: Codable, Equatable {
    public var meanEntropy: Double
    public var monotonicity: Double

    public init(alignment: [[Float]], heads: Int) { self.init(pieces: [alignment], heads: heads) }

    /// Over the pieces a recording was decoded in (each with its own frames): steps are pooled,
    /// and peaks are compared within a piece only.
    public init(pieces: [[[Float]]], heads: Int) {
        var entropy = 0.0, rows = 0, forward = 0, pairs = 0
        for alignment in pieces {
        var previousPeaks = [Int](repeating: -1, count: heads)
        for step in alignment {
            let frames = step.count / max(1, heads)
            guard frames > 0 else { continue }
            for h in 0..<heads {
                var e = 0.0, peak = 0
                for j in 0..<frames {
                    let a = Double(step[h * frames + j])
                    if a > 0 { e -= a * log(a) }
                    if step[h * frames + j] > step[h * frames + peak] { peak = j }
                }
                entropy += e; rows += 1
                if previousPeaks[h] >= 0 {
                    pairs += 1
                    if peak >= previousPeaks[h] { forward += 1 }
                }
                previousPeaks[h] = peak
            }
        }
        }
        meanEntropy = rows == 0 ? 0 : entropy / Double(rows)
        monotonicity = pairs == 0 ? 1 : Double(forward) / Double(pairs)
    }

    /// Σ_h α^h of one step, [frames], from its head-major [heads, frames] row.
    public static func headSum(_ step: [Float], heads: Int) -> [Float] {
        guard heads > 1 else { return step }
        let frames = step.count / heads
        var sum = [Float](repeating: 0, count: frames)
        for h in 0..<heads { for j in 0..<frames { sum[j] += step[h * frames + j] } }
        return sum
    }

    /// One head's rows, [steps][frames], from head-major [heads, frames] rows.
    public static func head(_ h: Int, of alignment: [[Float]], heads: Int) -> [[Float]] {
        alignment.map { step in
            let frames = step.count / max(1, heads)
            return Array(step[(h * frames)..<((h + 1) * frames)])
        }
    }
}
