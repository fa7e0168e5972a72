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
        var search = Search(self, speller: speller, memory: memory, ctc: ctc)
        while search.steps < search.limit && search.live.contains(where: { !$0.isEmpty }) { search.step() }
        return search.finish()
    }

    /// One way to extend a live hypothesis: its search score with `token`, which of the
    /// utterance's live hypotheses it extends, and in joint CTC decoding which of the step's
    /// CTC prefix states it reaches (-1 without CTC).
    struct Candidate {
        var score: Float
        var hypothesis: Int
        var token: Int32
        var ctcState: Int
    }

    /// A live hypothesis and the decoder row that holds its state.
    struct Live {
        var row: Int
        var hypothesis: Hypothesis
    }

    /// One search in progress: every utterance's live and ended hypotheses, the decoder whose
    /// rows hold the live ones, and the scratch arrays each step reuses (no allocation per token).
    struct Search {
        let settings: BeamSearch
        let decoder: SpellerDecoder
        let ctc: [CTCPrefixScorer]?
        let languageModel: CharacterNGram?
        /// λ and μ, 0 when their scorer is off.
        let ctcWeight: Float, languageModelWeight: Float
        /// With CTC, the attention proposes `preBeam` tokens per hypothesis and the joint score
        /// chooses (1.5 × beam as in ESPnet; at least 4, so that even greedy search can let CTC veto a loop).
        let preBeam: Int
        let limit: Int
        let vocabularySize: Int
        var live: [[Live]]
        var ended: [[Hypothesis]]
        /// The token each decoder row is fed next.
        var tokens: [Int32]
        var steps = 0
        /// The decoder's log p_att of this step, [rows, V].
        var logProbabilities = UnsafeBufferPointer<Float>(start: nil, count: 0)
        var candidates: [Candidate] = []
        var proposals: [Candidate] = []
        var ctcStates: [CTCPrefixScorer.State] = []
        /// Row k: log P_LM of every token after live hypothesis k of the utterance at hand.
        var languageModelRows: [Float]
        /// For each hypothesis that lives on after this step: the row it continues and its token.
        var sources: [Int] = [], nextTokens: [Int32] = []

        init(_ settings: BeamSearch, speller: Speller, memory: AttentionMemory, ctc: [CTCPrefixScorer]?) {
            self.settings = settings
            self.ctc = ctc
            ctcWeight = ctc == nil ? 0 : settings.ctcWeight
            languageModel = settings.languageModelWeight > 0 ? settings.languageModel : nil
            languageModelWeight = languageModel == nil ? 0 : settings.languageModelWeight
            let U = memory.utterances, V = speller.vocabularySize, beam = settings.beamSize
            vocabularySize = V
            preBeam = min(V - 1, max(4, beam + beam / 2))
            limit = settings.maxLength ?? (2 * (memory.lengths.max() ?? 0) + 10)
            decoder = SpellerDecoder(speller: speller, memory: memory, rowUtterance: Array(0..<U), capacity: U * beam,
                                     threads: settings.threads)
            live = (0..<U).map { u in
                [Live(row: u, hypothesis: Hypothesis(tokens: [], logProbability: 0, score: 0, ctc: ctc?[u].initial(), alignment: []))]
            }
            ended = [[Hypothesis]](repeating: [], count: U)
            tokens = [Int32](repeating: LASModel.sosID, count: U)
            candidates.reserveCapacity(beam * V)
            languageModelRows = [Float](repeating: 0, count: languageModel == nil ? 0 : beam * V)
        }

        /// One decoder step for every live hypothesis, then each utterance's beam chosen anew.
        mutating func step() {
            decoder.step(tokens)
            steps += 1
            logProbabilities = decoder.logProbabilities
            sources.removeAll(keepingCapacity: true)
            nextTokens.removeAll(keepingCapacity: true)
            var nextLive = [[Live]](repeating: [], count: live.count)
            for u in live.indices where !live[u].isEmpty {
                candidates.removeAll(keepingCapacity: true)
                ctcStates.removeAll(keepingCapacity: true)
                for k in live[u].indices {
                    propose(extending: live[u][k], at: k)
                    if let scorer = ctc?[u] { ctcPreBeam(with: scorer, from: live[u][k].hypothesis) } else { candidates += proposals }
                }
                select(utterance: u, into: &nextLive[u])
                stopEarly(utterance: u, live: &nextLive[u])
            }
            compactRows(nextLive)
        }

        /// `proposals`: every token after `entry` (live hypothesis k) with (1 − λ)·log p_att +
        /// μ·log p_LM; λ·log p_ctc comes in `preBeam`, for the survivors only.
        mutating func propose(extending entry: Live, at k: Int) {
            let V = vocabularySize, λ = ctcWeight, μ = languageModelWeight
            let row = logProbabilities.baseAddress! + entry.row * V
            let h = entry.hypothesis
            proposals.removeAll(keepingCapacity: true)
            if let languageModel {
                languageModelRows.withUnsafeMutableBufferPointer {
                    languageModel.logProbabilities(after: h.tokens[...], into: $0.baseAddress! + k * V)
                }
            }
            for tok in 1..<V {   // id 0 (blank/pad) is never emitted
                if settings.forbidEndOfSentence && Int32(tok) == LASModel.eosID { continue }
                var score = (1 - λ) * (h.logProbability + row[tok])
                if languageModel != nil { score += μ * (h.languageModelLogProbability + languageModelRows[k * V + tok]) }
                proposals.append(Candidate(score: score, hypothesis: k, token: Int32(tok), ctcState: -1))
            }
        }

        /// The CTC pre-beam: the `preBeam` best proposals, each joined by λ·log p_ctc of its
        /// prefix, become candidates.
        mutating func ctcPreBeam(with scorer: CTCPrefixScorer, from h: Hypothesis) {
            guard let state = h.ctc else { candidates += proposals; return }
            BeamSearch.selectTop(&proposals, count: preBeam)
            for p in proposals.prefix(preBeam) {
                let next = scorer.extend(state, with: p.token, endOfSentence: LASModel.eosID)
                candidates.append(Candidate(score: p.score + ctcWeight * next.score, hypothesis: p.hypothesis,
                                            token: p.token, ctcState: ctcStates.count))
                ctcStates.append(next)
            }
        }

        /// Selection: the utterance's best candidates fill the slots its ended hypotheses leave;
        /// those ending in <eos> end, the others live on in `nextLive`.
        mutating func select(utterance u: Int, into nextLive: inout [Live]) {
            let V = vocabularySize, slots = settings.beamSize - ended[u].count
            BeamSearch.selectTop(&candidates, count: slots)
            for c in candidates.prefix(slots) {
                let row = live[u][c.hypothesis].row
                var h = live[u][c.hypothesis].hypothesis
                h.logProbability += logProbabilities[row * V + Int(c.token)]
                if languageModel != nil { h.languageModelLogProbability += languageModelRows[c.hypothesis * V + Int(c.token)] }
                if ctc != nil { h.ctc = ctcStates[c.ctcState] }
                if settings.keepAlignments { h.alignment.append(decoder.alignment(row: row)) }
                if c.token == LASModel.eosID {
                    h.score = settings.normalized(c.score, length: h.tokens.count + 1)
                    h.ctc = nil
                    ended[u].append(h)
                } else {
                    h.tokens.append(c.token)
                    h.score = c.score
                    nextLive.append(Live(row: sources.count, hypothesis: h))
                    sources.append(row)
                    nextTokens.append(c.token)
                }
            }
        }

        /// Early stopping: once no live hypothesis can still win, the utterance is done. Extending
        /// one only lowers its log-probability, so its best normalized score is reached at the
        /// longest length (with a length exponent of at most 1).
        func stopEarly(utterance u: Int, live nextLive: inout [Live]) {
            guard let best = ended[u].map(\.score).max(), settings.lengthNormalization <= 1 else { return }
            let bound = nextLive.map { settings.normalized($0.hypothesis.score, length: limit) }.max() ?? -.infinity
            if bound < best { nextLive = [] }
        }

        /// Row compaction: the hypotheses that live on take decoder rows 0, 1, … in order; rows of
        /// dropped ones are simply not carried over.
        mutating func compactRows(_ nextLive: [[Live]]) {
            var nextLive = nextLive
            var keep: [Int] = [], keepTokens: [Int32] = []
            for u in nextLive.indices {
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

        /// At the length limit the unfinished hypotheses compete as they are; each utterance's
        /// best `beamSize`, best first.
        mutating func finish() -> Output {
            for u in live.indices {
                for entry in live[u] {
                    var h = entry.hypothesis
                    h.score = settings.normalized(h.score, length: h.tokens.count)
                    ended[u].append(h)
                }
            }
            return Output(nBest: ended.map { Array($0.sorted { $0.score > $1.score }.prefix(settings.beamSize)) }, steps: steps)
        }
    }

    /// Moves the `count` best candidates to the front, best first.
    static func selectTop(_ c: inout [Candidate], count: Int) {
        guard count > 0 else { c.removeAll(); return }
        if c.count > 4 * count {
            // Partial selection: one pass keeping a small sorted list beats sorting hundreds.
            var top: [Candidate] = []
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
