/// Beam search over the speller (as in Chan et al. 2016, §3.3). Every live hypothesis of
/// every utterance advances in one batched decoder step. A hypothesis ends at <eos>; its
/// score is Σ log p / (tokens including <eos>)^lengthNormalization. An utterance's search
/// ends when `beamSize` hypotheses have ended (each ended one takes a slot of the beam),
/// when no live hypothesis can still beat the best ended one, or at `maxLength`
/// (2 × encoder frames + 10 by default), where the live ones end as they are.
public struct BeamSearch {
    public var beamSize = 8
    /// Exponent α of the length in the score's denominator: 0 is the raw log-probability, 1 the per-token mean.
    public var lengthNormalization: Float = 1
    /// nil: 2 × encoder frames + 10.
    public var maxLength: Int?
    /// For benchmarks: never end a hypothesis, so the search runs exactly `maxLength` steps with a full beam.
    public var forbidEndOfSentence = false
    /// Keep α of every emitted token (for timestamps and attention plots).
    public var keepAlignments = false
    /// λ of joint CTC/attention decoding (Watanabe et al. 2017): a hypothesis scores
    /// (1 − λ)·log p_att + λ·log p_ctc(prefix). Needs `ctc` scorers; 0 turns it off.
    public var ctcWeight: Float = 0
    /// μ of shallow fusion with a character language model: each token adds
    /// μ · log P_LM(token | hypothesis) to the score. 0 (or no model) turns it off.
    public var languageModel: CharacterNGram?
    public var languageModelWeight: Float = 0
    /// Workers each decoder step splits its hypotheses between (`SpellerDecoder`).
    public var threads = 2

    public init(beamSize: Int = 8) { self.beamSize = beamSize }

    public struct Hypothesis {
        public var tokens: [Int32]
        /// Σ log p_att of the tokens.
        public var logProbability: Float
        /// The length-normalized search score (joint with CTC when it is on).
        public var score: Float
        var ctc: CTCPrefixScorer.State?
        /// Σ log P_LM of the tokens (0 without a language model).
        public var languageModelLogProbability: Float = 0
        /// α per emitted token including <eos>, each [heads, frames of the utterance] (head-major).
        public var alignment: [[Float]]
    }

    public struct Output {
        /// Per utterance, ended hypotheses best first (at most `beamSize`).
        public var nBest: [[Hypothesis]]
        /// Decoder steps run.
        public var steps: Int
    }

    func normalized(_ logp: Float, length: Int) -> Float {
        lengthNormalization == 0 ? logp : logp / powf(Float(max(1, length)), lengthNormalization)
    }

    /// Decoder steps multiply a few rows by each weight matrix: too small for BLAS threads to
    /// pay for their synchronization, so the search runs single-threaded BLAS.
    /// `ctc`: one prefix scorer per utterance, for joint decoding when ctcWeight > 0.
    public func decode(speller: Speller, memory: AttentionMemory, ctc: [CTCPrefixScorer]? = nil) -> Output {
        BLASThreads.single { search(speller: speller, memory: memory, ctc: ctcWeight > 0 ? ctc : nil) }
    }

    func search(speller: Speller, memory: AttentionMemory, ctc: [CTCPrefixScorer]?) -> Output {
        let λ = ctc == nil ? 0 : ctcWeight
        let lm = languageModelWeight > 0 ? languageModel : nil, μ = lm == nil ? 0 : languageModelWeight
        // With CTC, the attention proposes `preBeam` tokens per hypothesis and the joint score chooses
        // (1.5 × beam as in ESPnet; at least 4, so that even greedy search can let CTC veto a loop).
        let preBeam = min(speller.vocabularySize - 1, max(4, beamSize + beamSize / 2))
        let U = memory.utterances, V = speller.vocabularySize
        let limit = maxLength ?? (2 * (memory.lengths.max() ?? 0) + 10)
        let decoder = SpellerDecoder(speller: speller, memory: memory, rowUtterance: Array(0..<U), capacity: U * beamSize,
                                     threads: threads)
        // live[u]: (row in the decoder, hypothesis) for utterance u.
        var live: [[(row: Int, hyp: Hypothesis)]] = (0..<U).map { u in
            [(u, Hypothesis(tokens: [], logProbability: 0, score: 0, ctc: ctc?[u].initial(), alignment: []))]
        }
        var ended = [[Hypothesis]](repeating: [], count: U)
        var tokens = [Int32](repeating: LASModel.sosID, count: U)
        var steps = 0
        var candidates: [(score: Float, row: Int, token: Int32, source: Int)] = []
        candidates.reserveCapacity(beamSize * V)
        var proposals: [(score: Float, row: Int, token: Int32, source: Int)] = []
        var ctcStates: [CTCPrefixScorer.State?] = []
        var lmRows = [Float](repeating: 0, count: lm == nil ? 0 : beamSize * V)
        while steps < limit && live.contains(where: { !$0.isEmpty }) {
            decoder.step(tokens)
            steps += 1
            var sources: [Int] = [], nextTokens: [Int32] = []
            var nextLive = [[(row: Int, hyp: Hypothesis)]](repeating: [], count: U)
            do { let lp = decoder.logProbabilities
                for u in 0..<U where !live[u].isEmpty {
                    let slots = beamSize - ended[u].count
                    candidates.removeAll(keepingCapacity: true)
                    ctcStates.removeAll(keepingCapacity: true)
                    for (k, entry) in live[u].enumerated() {
                        let row = lp.baseAddress! + entry.row * V
                        proposals.removeAll(keepingCapacity: true)
                        // (1 − λ)·log p_att + μ·log p_LM here; λ·log p_ctc below, for the pre-beam's survivors.
                        if let lm {
                            lmRows.withUnsafeMutableBufferPointer { lm.logProbabilities(after: entry.hyp.tokens[...], into: $0.baseAddress! + k * V) }
                        }
                        for tok in 1..<V {   // id 0 (blank/pad) is never emitted
                            if forbidEndOfSentence && Int32(tok) == LASModel.eosID { continue }
                            var score = (1 - λ) * (entry.hyp.logProbability + row[tok])
                            if lm != nil { score += μ * (entry.hyp.languageModelLogProbability + lmRows[k * V + tok]) }
                            proposals.append((score, entry.row, Int32(tok), k))
                        }
                        if let scorer = ctc?[u], let state = entry.hyp.ctc {
                            Self.selectTop(&proposals, count: preBeam)
                            for p in proposals.prefix(preBeam) {
                                let next = scorer.extend(state, with: p.token, endOfSentence: LASModel.eosID)
                                candidates.append((p.score + λ * next.score, p.row, p.token, ctcStates.count))
                                ctcStates.append(next)
                            }
                        } else {
                            candidates += proposals
                        }
                    }
                    Self.selectTop(&candidates, count: slots)
                    for c in candidates.prefix(slots) {
                        let source = ctc == nil ? c.source : live[u].firstIndex { $0.row == c.row }!
                        var h = live[u][source].hyp
                        let rowLogp = lp.baseAddress![c.row * V + Int(c.token)]
                        h.logProbability += rowLogp
                        if lm != nil { h.languageModelLogProbability += lmRows[source * V + Int(c.token)] }
                        if ctc != nil { h.ctc = ctcStates[c.source] }
                        if keepAlignments { h.alignment.append(decoder.alignment(row: c.row)) }
                        if c.token == LASModel.eosID {
                            h.score = normalized(c.score, length: h.tokens.count + 1)
                            h.ctc = nil
                            ended[u].append(h)
                        } else {
                            h.tokens.append(c.token)
                            h.score = c.score
                            nextLive[u].append((sources.count, h))
                            sources.append(c.row)
                            nextTokens.append(c.token)
                        }
                    }
                    // Stop early once no live hypothesis can still win: extending one only lowers its
                    // log-probability, and its best normalized score is then reached at the longest length.
                    if let best = ended[u].map(\.score).max(), lengthNormalization <= 1 {
                        let bound = nextLive[u].map { normalized($0.hyp.score, length: limit) }.max() ?? -.infinity
                        if bound < best { nextLive[u] = [] }
                    }
                }
            }
            // Rows of hypotheses dropped above are simply not carried over.
            var keep: [Int] = [], keepTokens: [Int32] = []
            for u in 0..<U {
                for k in nextLive[u].indices {
                    let old = nextLive[u][k].row
                    nextLive[u][k].row = keep.count
                    keep.append(sources[old]); keepTokens.append(nextTokens[old])
                }
            }
            live = nextLive
            if !keep.isEmpty { decoder.reorder(keep) }
            tokens = keepTokens
        }
        for u in 0..<U {
            for entry in live[u] {   // max length reached: unfinished hypotheses compete as they are
                var h = entry.hyp
                h.score = normalized(h.score, length: h.tokens.count)
                ended[u].append(h)
            }
        }
        return Output(nBest: ended.map { Array($0.sorted { $0.score > $1.score }.prefix(beamSize)) }, steps: steps)
    }

    /// Moves the `count` best candidates to the front, best first.
    static func selectTop(_ c: inout [(score: Float, row: Int, token: Int32, source: Int)], count: Int) {
        guard count > 0 else { c.removeAll(); return }
        if c.count > 4 * count {
            // Partial selection: one pass keeping a small sorted list beats sorting hundreds.
            var top: [(score: Float, row: Int, token: Int32, source: Int)] = []
            top.reserveCapacity(count + 1)
            for x in c {
                if top.count < count || x.score > top[top.count - 1].score {
                    var i = top.count
                    while i > 0 && top[i - 1].score < x.score { i -= 1 }
                    top.insert(x, at: i)
                    if top.count > count { top.removeLast() }
                }
            }
            c = top
        } else {
            c.sort { $0.score > $1.score }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
