#if canImport(Glibc)
import Glibc
#endif

/// The CTC prefix probability of a growing hypothesis (Watanabe et al. 2017, Algorithm 2):
/// ψ(h) = log Σ over frame alignments of h as a prefix, kept up to date one token at a time
/// with the forward variables r_t^n(h) (ending in h's last label) and r_t^b(h) (ending in
/// blank). Added to the attention score in beam search, it penalizes hypotheses that the
/// frame-synchronous CTC head cannot align: repeated loops and early ends.
public struct CTCPrefixScorer {
    public let frames: Int
    let classes: Int
    let blank: Int
    let logProbabilities: [Float]   // [frames, classes], log-softmax of the CTC head

    public struct State {
        var nonBlank: [Float]   // r_t^n
        var blank: [Float]      // r_t^b
        public var score: Float // ψ
        var last: Int32?
    }

    public init(logProbabilities: [Float], frames: Int, classes: Int, blank: Int32) {
        precondition(logProbabilities.count == frames * classes && frames > 0)
        self.logProbabilities = logProbabilities; self.frames = frames; self.classes = classes; self.blank = Int(blank)
    }

    /// The empty prefix: all blanks so far.
    public func initial() -> State {
        var rb = [Float](repeating: 0, count: frames)
        var acc: Float = 0
        for t in 0..<frames { acc += logProbabilities[t * classes + blank]; rb[t] = acc }
        return State(nonBlank: [Float](repeating: -.infinity, count: frames), blank: rb, score: 0, last: nil)
    }

    /// ψ of g·c; for c = <eos>, the probability of g as the complete label sequence.
    public func extend(_ g: State, with c: Int32, endOfSentence: Int32) -> State {
        let T = frames, V = classes
        if c == endOfSentence {
            return State(nonBlank: [], blank: [], score: logAdd(g.nonBlank[T - 1], g.blank[T - 1]), last: c)
        }
        let k = Int(c)
        var rn = [Float](repeating: -.infinity, count: T), rb = [Float](repeating: -.infinity, count: T)
        // Φ_t: mass that may precede c at frame t+1 (a repeat of the last label needs a blank between).
        @inline(__always) func phi(_ t: Int) -> Float {
            c == g.last ? g.blank[t] : logAdd(g.blank[t], g.nonBlank[t])
        }
        if g.last == nil { rn[0] = logProbabilities[k] }
        var psi = rn[0]
        for t in 1..<T {
            let y = logProbabilities[t * V + k]
            let p = phi(t - 1)
            rn[t] = logAdd(rn[t - 1], p) + y
            rb[t] = logAdd(rb[t - 1], rn[t - 1]) + logProbabilities[t * V + blank]
            psi = logAdd(psi, p + y)
        }
        return State(nonBlank: rn, blank: rb, score: psi, last: c)
    }
}
