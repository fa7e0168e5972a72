/// The speller run one step at a time for search: R live rows (hypotheses), each attending
/// over one utterance of a shared `AttentionMemory`. All rows advance together in one batched
/// step (one matrix product per layer, not one per hypothesis); every buffer is allocated
/// for the largest R up front, so a step allocates nothing.
public final class SpellerDecoder {
    public let speller: Speller
    public let memory: AttentionMemory
    public let capacity: Int
    public private(set) var rows: Int
    /// Which utterance of the memory each row attends over.
    public private(set) var rowUtterance: [Int]
    /// Attention weights α of the last step, [rows, T].
    public private(set) var weights: [Float]
    /// Log-probabilities of the last step, [rows, V].
    public private(set) var logProbabilities: [Float]

    private var h: [Float], c: [Float], context: [Float]
    private var scratchH: [Float], scratchC: [Float], scratchContext: [Float], scratchWeights: [Float]
    private var cellInput: [Float], gates: [Float], features: [Float]
    private var projectedQuery: [Float], locationFeatures: [Float], hidden: [Float], energies: [Float]

    /// Starts one row per entry of `rowUtterance`, with at most `capacity` rows at any time.
    public init(speller: Speller, memory: AttentionMemory, rowUtterance: [Int], capacity: Int? = nil) {
        self.speller = speller; self.memory = memory
        let R = max(capacity ?? rowUtterance.count, rowUtterance.count)
        self.capacity = R
        rows = rowUtterance.count
        self.rowUtterance = rowUtterance + [Int](repeating: 0, count: R - rowUtterance.count)
        let T = memory.frames, H = speller.hiddenSize, E = speller.encoderSize, V = speller.vocabularySize
        let A = speller.attention.attentionSize, C = speller.attention.featureChannels
        h = [Float](repeating: 0, count: R * H); c = h; scratchH = h; scratchC = h
        context = [Float](repeating: 0, count: R * E); scratchContext = context
        weights = [Float](repeating: 0, count: R * T); scratchWeights = weights
        logProbabilities = [Float](repeating: 0, count: R * V)
        cellInput = [Float](repeating: 0, count: R * (speller.embeddingSize + E))
        gates = [Float](repeating: 0, count: R * 4 * H)
        features = [Float](repeating: 0, count: R * (H + E))
        projectedQuery = [Float](repeating: 0, count: R * A)
        locationFeatures = [Float](repeating: 0, count: max(1, R * T * C))
        hidden = [Float](repeating: 0, count: speller.attention.usesHidden ? R * T * A : 1)
        energies = [Float](repeating: 0, count: R * T)
        let lengths = rowUtterance.map { memory.lengths[$0] }
        weights.withUnsafeMutableBufferPointer { Speller.initialWeights(lengths: lengths, frames: T, into: $0.baseAddress!) }
    }

    /// Feeds tokens[r] to row r and computes log p(· | history) for every row.
    public func step(_ tokens: [Int32]) {
        precondition(tokens.count == rows)
        let R = rows, T = memory.frames, H = speller.hiddenSize, E = speller.encoderSize, V = speller.vocabularySize
        let Emb = speller.embeddingSize, X = Emb + E, G = 4 * H, F = H + E
        speller.embedding.table.value.withUnsafeBufferPointer { table in
        cellInput.withUnsafeMutableBufferPointer { xp in
        gates.withUnsafeMutableBufferPointer { gp in
        h.withUnsafeMutableBufferPointer { hp in
        c.withUnsafeMutableBufferPointer { cp in
        scratchH.withUnsafeMutableBufferPointer { hn in
        scratchC.withUnsafeMutableBufferPointer { cn in
        context.withUnsafeMutableBufferPointer { ctx in
        weights.withUnsafeMutableBufferPointer { wp in
        scratchWeights.withUnsafeMutableBufferPointer { wn in
        features.withUnsafeMutableBufferPointer { fp in
        logProbabilities.withUnsafeMutableBufferPointer { lp in
        projectedQuery.withUnsafeMutableBufferPointer { pq in
        locationFeatures.withUnsafeMutableBufferPointer { lf in
        hidden.withUnsafeMutableBufferPointer { hd in
        energies.withUnsafeMutableBufferPointer { en in
        rowUtterance.withUnsafeBufferPointer { ru in
            for r in 0..<R {
                let x = xp.baseAddress! + r * X
                x.update(from: table.baseAddress! + Int(tokens[r]) * Emb, count: Emb)
                (x + Emb).update(from: ctx.baseAddress! + r * E, count: E)
            }
            speller.cellInput.forward(xp.baseAddress!, rows: R, into: gp.baseAddress!)
            speller.cellRecurrent.forward(hp.baseAddress!, rows: R, into: gp.baseAddress!, beta: 1)
            for r in 0..<R {
                LSTMGates.forward(gp.baseAddress! + r * G, cPrev: cp.baseAddress! + r * H,
                                  cNext: cn.baseAddress! + r * H, hNext: hn.baseAddress! + r * H, hidden: H)
            }
            let buffers = AttentionStepBuffers(projectedQuery: pq.baseAddress!, locationFeatures: lf.baseAddress!,
                                               hidden: hd.baseAddress!, energies: en.baseAddress!,
                                               dProjectedQuery: pq.baseAddress!, dLocationFeatures: lf.baseAddress!)
            speller.attention.forward(query: hn.baseAddress!, previous: wp.baseAddress!, rows: R,
                                      rowUtterance: ru.baseAddress!, memory: memory, buffers: buffers,
                                      weights: wn.baseAddress!, context: ctx.baseAddress!)
            for r in 0..<R {
                (fp.baseAddress! + r * F).update(from: hn.baseAddress! + r * H, count: H)
                (fp.baseAddress! + r * F + H).update(from: ctx.baseAddress! + r * E, count: E)
            }
            speller.output.forward(fp.baseAddress!, rows: R, into: lp.baseAddress!)
            for r in 0..<R { LogSoftmax.inPlace(lp.baseAddress! + r * V, count: V) }
            hp.baseAddress!.update(from: hn.baseAddress!, count: R * H)
            cp.baseAddress!.update(from: cn.baseAddress!, count: R * H)
            wp.baseAddress!.update(from: wn.baseAddress!, count: R * T)
        }}}}}}}}}}}}}}}}}
    }

    /// Keeps rows `sources` (in that order; a row may be repeated), e.g. after a beam step.
    public func reorder(_ sources: [Int]) {
        precondition(sources.count <= capacity)
        let T = memory.frames, H = speller.hiddenSize, E = speller.encoderSize
        func gather(_ a: inout [Float], _ scratch: inout [Float], width: Int) {
            a.withUnsafeBufferPointer { src in
                scratch.withUnsafeMutableBufferPointer { dst in
                    for (r, s) in sources.enumerated() {
                        (dst.baseAddress! + r * width).update(from: src.baseAddress! + s * width, count: width)
                    }
                }
            }
            swap(&a, &scratch)
        }
        gather(&h, &scratchH, width: H)
        gather(&c, &scratchC, width: H)
        gather(&context, &scratchContext, width: E)
        gather(&weights, &scratchWeights, width: T)
        let utterances = sources.map { rowUtterance[$0] }
        for (r, u) in utterances.enumerated() { rowUtterance[r] = u }
        rows = sources.count
    }
}

/// log softmax(z) = z − max − log Σ exp(z − max), numerically stable.
public enum LogSoftmax {
    @inline(__always)
    public static func inPlace(_ z: UnsafeMutablePointer<Float>, count: Int) {
        var m = -Float.infinity
        for k in 0..<count { m = max(m, z[k]) }
        var s: Float = 0
        for k in 0..<count { s += expf(z[k] - m) }
        let lse = m + logf(s)
        for k in 0..<count { z[k] -= lse }
    }
}

#if canImport(Glibc)
import Glibc
#endif
