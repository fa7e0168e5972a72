/// The element-wise part of one LSTM step for one sequence, shared by the listener's
/// LSTM and the speller's cell. `row` holds the pre-activations [i f g o] (4H) and is
/// overwritten with the activations σ(i) σ(f) tanh(g) σ(o), which the backward pass reuses.
enum LSTMGates {
    @inline(__always)
    static func forward(_ row: UnsafeMutablePointer<Float>, cPrev: UnsafePointer<Float>,
                        cNext: UnsafeMutablePointer<Float>, hNext: UnsafeMutablePointer<Float>, hidden H: Int) {
        var j = 0
        while j + 8 <= H {
            let ig = Kernels.sigmoid(Kernels.load8(row + j))
            let fg = Kernels.sigmoid(Kernels.load8(row + H + j))
            let gg = Kernels.tanh(Kernels.load8(row + 2 * H + j))
            let og = Kernels.sigmoid(Kernels.load8(row + 3 * H + j))
            Kernels.store8(ig, row + j); Kernels.store8(fg, row + H + j)
            Kernels.store8(gg, row + 2 * H + j); Kernels.store8(og, row + 3 * H + j)
            let c = fg * Kernels.load8(cPrev + j) + ig * gg
            Kernels.store8(c, cNext + j)
            Kernels.store8(og * Kernels.tanh(c), hNext + j)
            j += 8
        }
        for j in j..<H {
            let ig = Kernels.sigmoid(row[j])
            let fg = Kernels.sigmoid(row[H + j])
            let gg = Kernels.tanh(row[2 * H + j])
            let og = Kernels.sigmoid(row[3 * H + j])
            row[j] = ig; row[H + j] = fg; row[2 * H + j] = gg; row[3 * H + j] = og
            let c = fg * cPrev[j] + ig * gg
            cNext[j] = c
            hNext[j] = og * Kernels.tanh(c)
        }
    }

    /// From dL/dh_t (dh) and dL/dc_t from the future (dc, updated in place to dL/dc_{t-1}),
    /// writes dL/d(pre-activations) into dRow.
    @inline(__always)
    static func backward(_ row: UnsafePointer<Float>, cPrev: UnsafePointer<Float>, cNow: UnsafePointer<Float>,
                         dh: UnsafePointer<Float>, dc: UnsafeMutablePointer<Float>,
                         dRow: UnsafeMutablePointer<Float>, hidden H: Int) {
        var j = 0
        while j + 8 <= H {
            let ig = Kernels.load8(row + j), fg = Kernels.load8(row + H + j)
            let gg = Kernels.load8(row + 2 * H + j), og = Kernels.load8(row + 3 * H + j)
            let tc = Kernels.tanh(Kernels.load8(cNow + j))
            let dhj = Kernels.load8(dh + j)
            let dcj = Kernels.load8(dc + j) + dhj * og * (1 - tc * tc)
            Kernels.store8(dcj * gg * ig * (1 - ig), dRow + j)
            Kernels.store8(dcj * Kernels.load8(cPrev + j) * fg * (1 - fg), dRow + H + j)
            Kernels.store8(dcj * ig * (1 - gg * gg), dRow + 2 * H + j)
            Kernels.store8(dhj * tc * og * (1 - og), dRow + 3 * H + j)
            Kernels.store8(dcj * fg, dc + j)
            j += 8
        }
        for j in j..<H {
            let ig = row[j], fg = row[H + j], gg = row[2 * H + j], og = row[3 * H + j]
            let tc = Kernels.tanh(cNow[j])
            let dhj = dh[j]
            let dcj = dc[j] + dhj * og * (1 - tc * tc)
            dRow[j] = dcj * gg * ig * (1 - ig)
            dRow[H + j] = dcj * cPrev[j] * fg * (1 - fg)
            dRow[2 * H + j] = dcj * ig * (1 - gg * gg)
            dRow[3 * H + j] = dhj * tc * og * (1 - og)
            dc[j] = dcj * fg
        }
    }
}
