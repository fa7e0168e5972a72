import Dispatch

/// The speller run one step at a time for search: R live rows (hypotheses), each attending
/// over one utterance of a shared `AttentionMemory`. All rows advance together in one batched
/// step (one matrix product per layer, not one per hypothesis). Rows are independent, so a step
/// splits them between `threads` workers. Every buffer is allocated for the largest R up front,
/// so a step allocates nothing.
///
/// The cell's input projection W_ih [emb(y); c] + b is split by linearity (exact up to rounding):
/// the embedding part is a table over the vocabulary, and since c_{i-1} = Σ_j α_{i-1,j} h_j,
/// the context part is α_{i-1} · (H W_ctxᵀ), with H W_ctxᵀ computed once per utterance. A step
/// then multiplies by the T encoder frames (75 for 3 s) instead of E = 512 context features.
/// With H attention heads, head h fills context features [hE/H, (h+1)E/H) from its own α^h, so
/// the table has one block of T rows per head, h_j[slice h] W_ctx[:, slice h]ᵀ, and the product
/// runs over the H·T entries of α_{i-1}.
/// Both right-hand operands of the gate products, W_hhᵀ and H W_ctxᵀ, are packed once
/// (`PackedMatrix`), so a step does not re-pack 1 MB of weights as sgemm would.
public final class SpellerDecoder {
    public let speller: Speller
    public let memory: AttentionMemory
    public let capacity: Int
    /// Workers a step splits its rows between.
    public let threads: Int
    public private(set) var rows: Int
    /// Which utterance of the memory each row attends over.
    public private(set) var rowUtterance: [Int]

    /// W_ih [emb(v); 0] + b for every token v, [V, 4H].
    private let tokenGates: [Float]
    /// W_ih [0; h_j] for every encoder frame, [T, 4H] per utterance, packed ([heads, T, 4H] with
    /// one context slice per head).
    private let frameGates: [PackedMatrix]
    /// W_hhᵀ, packed.
    private let recurrentWeights: PackedMatrix
    /// The attention's query projections and the output layer, packed: both are products over a
    /// handful of rows at every step, which sgemm would re-pack each time.
    private let queryWeights: [PackedMatrix], outputWeights: PackedMatrix
    /// α entries per row: heads × T.
    private let weightsPerRow: Int
    /// Whether a context has been computed yet (the first step's c_0 is zero).
    private var attended = false

    /// Owned state and scratch, `capacity` rows each; the `next*` buffers receive a step's results.
    private let h, c, alpha: UnsafeMutableBufferPointer<Float>
    private let nextH, nextC, nextContext, nextAlpha: UnsafeMutableBufferPointer<Float>
    private let gates, features, logProbs: UnsafeMutableBufferPointer<Float>
    private let projectedQuery, locationFeatures, energies: UnsafeMutableBufferPointer<Float>
    private let utteranceOfRow: UnsafeMutableBufferPointer<Int>

    /// Log-probabilities of the last step, [rows, V]; valid until the next step or reorder.
    public var logProbabilities: UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(rebasing: logProbs[0..<(rows * speller.vocabularySize)])
    }
    /// Attention weights α of the last step, [rows, heads, T] (zero on padding).
    public var weights: UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(rebasing: alpha[0..<(rows * weightsPerRow)])
    }

    /// Row r's α of the last step over its utterance's frames only, head-major [heads, length].
    public func alignment(row r: Int) -> [Float] {
        let T = memory.frames, length = memory.lengths[rowUtterance[r]], heads = weightsPerRow / T
        var a = [Float](); a.reserveCapacity(heads * length)
        for h in 0..<heads { a += alpha[(r * weightsPerRow + h * T)..<(r * weightsPerRow + h * T + length)] }
        return a
    }

    /// Starts one row per entry of `rowUtterance`, with at most `capacity` rows at any time.
    public init(speller: Speller, memory: AttentionMemory, rowUtterance: [Int], capacity: Int? = nil, threads: Int = 2) {
        self.speller = speller; self.memory = memory; self.threads = max(1, threads)
        let R = max(capacity ?? rowUtterance.count, rowUtterance.count)
        self.capacity = R
        rows = rowUtterance.count
        self.rowUtterance = rowUtterance
        let T = memory.frames, H = speller.hiddenSize, E = speller.encoderSize, V = speller.vocabularySize
        let A = speller.attention.attentionSize, C = speller.attention.featureChannels
        let Emb = speller.embeddingSize, X = Emb + E, G = 4 * H, U = memory.utterances
        let heads = speller.attention.heads, slice = E / heads
        weightsPerRow = heads * T
        var tokenGates = [Float](repeating: 0, count: V * G)
        var frameGates = [Float](repeating: 0, count: U * heads * T * G)
        speller.cellInput.weight.value.withUnsafeBufferPointer { w in
            speller.embedding.table.value.withUnsafeBufferPointer { table in
                tokenGates.withUnsafeMutableBufferPointer { tg in
                    sgemm(transB: true, m: V, n: G, k: Emb, table.baseAddress!, w.baseAddress!, ldb: X, tg.baseAddress!)
                    if let bias = speller.cellInput.bias {
                        bias.value.withUnsafeBufferPointer { Kernels.addRowVector(tg.baseAddress!, rows: V, cols: G, $0.baseAddress!) }
                    }
                }
            }
            memory.encoder.withUnsafeBufferPointer { enc in
                frameGates.withUnsafeMutableBufferPointer { fg in
                    if heads == 1 {
                        sgemm(transB: true, m: U * T, n: G, k: E, enc.baseAddress!, w.baseAddress! + Emb, ldb: X, fg.baseAddress!)
                    } else {
                        for u in 0..<U {
                            for h in 0..<heads {
                                sgemm(transB: true, m: T, n: G, k: slice, enc.baseAddress! + u * T * E + h * slice, lda: E,
                                      w.baseAddress! + Emb + h * slice, ldb: X, fg.baseAddress! + (u * heads + h) * T * G)
                            }
                        }
                    }
                }
            }
        }
        self.tokenGates = tokenGates
        self.frameGates = frameGates.withUnsafeBufferPointer { fg in
            (0..<U).map { PackedMatrix(fg.baseAddress! + $0 * heads * T * G, rows: heads * T, columns: G) }
        }
        recurrentWeights = speller.cellRecurrent.weight.value.withUnsafeBufferPointer {
            PackedMatrix(transposeOf: $0.baseAddress!, outputs: G, inputs: H)
        }
        queryWeights = speller.attention.packedQueryWeights()
        outputWeights = speller.output.packedWeights()
        func buffer(_ n: Int) -> UnsafeMutableBufferPointer<Float> {
            let b = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, n))
            b.initialize(repeating: 0)
            return b
        }
        h = buffer(R * H); c = buffer(R * H); nextH = buffer(R * H); nextC = buffer(R * H)
        nextContext = buffer(R * E)
        alpha = buffer(R * heads * T); nextAlpha = buffer(R * heads * T)
        gates = buffer(R * G); features = buffer(R * (H + E)); logProbs = buffer(R * V)
        projectedQuery = buffer(R * A); locationFeatures = buffer(R * T * C)
        energies = buffer(R * heads * T)
        utteranceOfRow = .allocate(capacity: R)
        utteranceOfRow.initialize(repeating: 0)
        for (r, u) in rowUtterance.enumerated() { utteranceOfRow[r] = u }
        Speller.initialWeights(lengths: rowUtterance.map { memory.lengths[$0] }, frames: T, heads: heads, into: alpha.baseAddress!)
    }

    deinit {
        for b in [h, c, alpha, nextH, nextC, nextContext, nextAlpha, gates, features, logProbs,
                  projectedQuery, locationFeatures, energies] { b.deallocate() }
        utteranceOfRow.deallocate()
    }

    /// Feeds tokens[r] to row r and computes log p(· | history) for every row.
    public func step(_ tokens: [Int32]) {
        precondition(tokens.count == rows)
        let R = rows, H = speller.hiddenSize
        let workers = min(threads, max(1, R / 2))   // below two rows each, the hand-off costs more than it saves
        func split(_ body: (Int) -> Void) {
            if workers == 1 { body(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: body) }
        }
        let blocks = recurrentWeights.blockCount
        tokens.withUnsafeBufferPointer { tp in
            let tp = tp
            // Gate pre-activations by columns, so each worker streams only its share of the weights;
            // then everything after the cell by rows.
            split { w in cellProducts(columnBlocks: (w * blocks / workers)..<((w + 1) * blocks / workers), tokens: tp) }
            split { w in advance(rows: (w * R / workers)..<((w + 1) * R / workers)) }
        }
        h.baseAddress!.update(from: nextH.baseAddress!, count: R * H)
        c.baseAddress!.update(from: nextC.baseAddress!, count: R * H)
        alpha.baseAddress!.update(from: nextAlpha.baseAddress!, count: R * weightsPerRow)
        attended = true
    }

    /// Gate pre-activations W_ih [emb(y); c_{i-1}] + b + W_hh h_{i-1} of every row, for a range of gate columns.
    private func cellProducts(columnBlocks: Range<Int>, tokens: UnsafeBufferPointer<Int32>) {
        let R = rows, T = memory.frames, H = speller.hiddenSize, G = 4 * H, S = weightsPerRow
        let columns = recurrentWeights.columns(ofBlocks: columnBlocks)
        let n0 = columns.lowerBound, n = columns.count
        tokenGates.withUnsafeBufferPointer { tg in
            for r in 0..<R {
                (gates.baseAddress! + r * G + n0).update(from: tg.baseAddress! + Int(tokens[r]) * G + n0, count: n)
            }
        }
        if attended {
            // Rows of one utterance are consecutive in a beam: one product per run of them. α is zero
            // past the utterance's length, so the product stops after the last head's last frame.
            AttentionMath.forEachUtteranceRun(rows: R, rowUtterance: UnsafePointer(utteranceOfRow.baseAddress!)) { u, run in
                frameGates[u].multiply(rows: run.count, depth: S - T + memory.lengths[u], columnBlocks: columnBlocks,
                                       alpha.baseAddress! + run.lowerBound * S, lda: S, beta: 1,
                                       gates.baseAddress! + run.lowerBound * G, ldc: G)
            }
        }
        recurrentWeights.multiply(rows: R, columnBlocks: columnBlocks, h.baseAddress!, beta: 1, gates.baseAddress!, ldc: G)
    }

    /// The rest of a decoder step for a contiguous range of rows: LSTM cell, attention, output distribution.
    private func advance(rows range: Range<Int>) {
        let r0 = range.lowerBound, n = range.count
        let T = memory.frames, H = speller.hiddenSize, E = speller.encoderSize, V = speller.vocabularySize
        let A = speller.attention.attentionSize, C = speller.attention.featureChannels
        let G = 4 * H, F = H + E, S = weightsPerRow
        for r in r0..<range.upperBound {
            LSTMGates.forward(gates.baseAddress! + r * G, cPrev: c.baseAddress! + r * H,
                              cNext: nextC.baseAddress! + r * H, hNext: nextH.baseAddress! + r * H, hidden: H)
        }
        let buffers = AttentionStepBuffers(
            projectedQuery: projectedQuery.baseAddress! + r0 * A, locationFeatures: locationFeatures.baseAddress! + r0 * T * C,
            hidden: nil, energies: energies.baseAddress! + r0 * S,
            dProjectedQuery: projectedQuery.baseAddress! + r0 * A, dLocationFeatures: locationFeatures.baseAddress! + r0 * T * C,
            queryWeights: queryWeights)
        speller.attention.forward(query: nextH.baseAddress! + r0 * H, previous: alpha.baseAddress! + r0 * S, rows: n,
                                  rowUtterance: UnsafePointer(utteranceOfRow.baseAddress! + r0), memory: memory, buffers: buffers,
                                  weights: nextAlpha.baseAddress! + r0 * S, context: nextContext.baseAddress! + r0 * E)
        for r in r0..<range.upperBound {
            (features.baseAddress! + r * F).update(from: nextH.baseAddress! + r * H, count: H)
            (features.baseAddress! + r * F + H).update(from: nextContext.baseAddress! + r * E, count: E)
        }
        speller.output.forward(features.baseAddress! + r0 * F, rows: n, into: logProbs.baseAddress! + r0 * V, packed: outputWeights)
        for r in r0..<range.upperBound { LogSoftmax.inPlace(logProbs.baseAddress! + r * V, count: V) }
    }

    /// Keeps rows `sources` (in that order; a row may be repeated), e.g. after a beam step.
    public func reorder(_ sources: [Int]) {
        precondition(sources.count <= capacity)
        let H = speller.hiddenSize
        // Gather into the next-step buffers, then copy back: a row may be both source and target.
        func gather(_ a: UnsafeMutableBufferPointer<Float>, via scratch: UnsafeMutableBufferPointer<Float>, width: Int) {
            for (r, s) in sources.enumerated() {
                (scratch.baseAddress! + r * width).update(from: a.baseAddress! + s * width, count: width)
            }
            a.baseAddress!.update(from: scratch.baseAddress!, count: sources.count * width)
        }
        gather(h, via: nextH, width: H)
        gather(c, via: nextC, width: H)
        gather(alpha, via: nextAlpha, width: weightsPerRow)
        rowUtterance = sources.map { rowUtterance[$0] }
        for (r, u) in rowUtterance.enumerated() { utteranceOfRow[r] = u }
        rows = sources.count
    }
}

#if canImport(Glibc)
import Glibc
#endif
