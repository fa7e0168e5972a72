/// The most probable frame-level path of a known label sequence through CTC posteriors
/// (forced alignment; Graves et al. 2006's forward recursion with max in place of sum).
///
/// Over the blank-interleaved target l' = (∅, y₁, ∅, y₂, …, ∅, y_n, ∅), S = 2n + 1 states, with
/// log y_t(k) the CTC head's log-softmax at frame t:
///
///     δ_0(0) = log y_0(∅),  δ_0(1) = log y_0(y₁),  δ_0(s) = −∞ for s ≥ 2
///     δ_t(s) = log y_t(l'_s) + max(δ_{t−1}(s), δ_{t−1}(s−1), [l'_s ≠ ∅ ∧ l'_s ≠ l'_{s−2}] δ_{t−1}(s−2))
///
/// A path ends in s = S−1 (trailing blank) or S−2 (last label); following the argmax back from
/// the better of the two gives one state per frame. The skip over a blank is barred between two
/// equal labels, which a blank must separate, so a sequence with r such repeats needs at least
/// n + r frames. Ties go to staying in the state, then to the step from s − 1, and at the end to
/// the trailing blank, which makes the path deterministic.
public enum CTCForcedAlignment {
    public struct Path: Equatable {
        /// Per frame, the index s into l': even is a blank, 2i + 1 is label i.
        public var states: [Int]
        /// Σ_t log y_t(l'_{states[t]}), the path's log-probability.
        public var logProbability: Float

        /// Per label, the first and last frame of the path spent on it (each label gets at least one).
        public var labelFrames: [ClosedRange<Int>] {
            // A path ends on the last label (2n − 1) or the blank after it (2n): n labels either way.
            let n = states.last.map { ($0 + 1) / 2 } ?? 0
            var first = [Int](repeating: -1, count: n), last = first
            for (t, s) in states.enumerated() where s % 2 == 1 {
                if first[s / 2] < 0 { first[s / 2] = t }
                last[s / 2] = t
            }
            return zip(first, last).compactMap { $0 >= 0 ? $0...$1 : nil }
        }
    }

    /// The best path of `labels` (no blanks among them) through `logProbabilities`, [frames, classes]
    /// row-major; nil when no path of `frames` frames can produce them.
    public static func bestPath(logProbabilities: [Float], frames T: Int, classes V: Int,
                                labels: [Int32], blank: Int32) -> Path? {
        precondition(logProbabilities.count == T * V)
        let S = 2 * labels.count + 1
        guard T > 0 else { return nil }
        @inline(__always) func label(_ s: Int) -> Int { s % 2 == 0 ? Int(blank) : Int(labels[s / 2]) }
        // back[t·S + s]: the state at t−1 that δ_t(s) came from.
        var back = [Int32](repeating: -1, count: T * S)
        var previous = [Float](repeating: -.infinity, count: S), current = previous
        previous[0] = logProbabilities[label(0)]
        if S > 1 { previous[1] = logProbabilities[label(1)] }
        for t in 1..<T {
            let row = t * V
            for s in 0..<S {
                var best = previous[s], from = s
                if s >= 1 && previous[s - 1] > best { best = previous[s - 1]; from = s - 1 }
                if s >= 2 && s % 2 == 1 && label(s) != label(s - 2) && previous[s - 2] > best {
                    best = previous[s - 2]; from = s - 2
                }
                current[s] = best == -.infinity ? -.infinity : best + logProbabilities[row + label(s)]
                back[t * S + s] = Int32(from)
            }
            swap(&previous, &current)
        }
        var end = S - 1
        if S > 1 && previous[S - 2] > previous[S - 1] { end = S - 2 }
        guard previous[end] > -.infinity else { return nil }
        var states = [Int](repeating: 0, count: T)
        states[T - 1] = end
        for t in stride(from: T - 1, to: 0, by: -1) { states[t - 1] = Int(back[t * S + states[t]]) }
        return Path(states: states, logProbability: previous[end])
    }
}
