import Foundation

/// A picture of where the speller listened: one row per output character, one column per
/// listener frame (time runs left to right), darker where the attention weight is larger,
/// relative to the row's peak so that spread-out weights stay visible. A multi-head model gets
/// one panel per head, stacked, each labelled with its head. Drawn with cairo (`CairoCanvas`),
/// the same calls for PNG and SVG.
public enum AttentionPlot {
    static let cell = 8, left = 48, top = 28, bottom = 28

    /// The picture's size in pixels (PNG) or points (SVG).
    public static func size(characters: Int, frames: Int, heads: Int = 1) -> (width: Int, height: Int) {
        let panelGap = heads > 1 ? 16 : 0
        return (left + max(1, frames) * cell + 12, top + max(1, heads) * (panelGap + characters * cell) + bottom)
    }

    /// `weights`: per character, [heads, frames] head-major (as `Transcript.alignments` keeps them).
    public static func image(characters: [String], weights: [[Float]], heads: Int = 1, frameSeconds: Double, start: Double = 0,
                             title: String, format: PlotFormat) throws -> Data {
        let heads = max(1, heads), panelGap = heads > 1 ? 16 : 0
        let panels = (0..<heads).map { AttentionDiagnostics.head($0, of: weights, heads: heads) }
        let frames = panels[0].map(\.count).max() ?? 0
        let panelHeight = panelGap + characters.count * cell
        let (width, height) = size(characters: characters.count, frames: frames, heads: heads)
        let canvas = CairoCanvas(width: width, height: height, format: format)
        canvas.text(title, x: Double(left), y: 14, size: 11)
        for (h, panel) in panels.enumerated() {
            let y0 = top + h * panelHeight + panelGap
            if heads > 1 { canvas.text("head \(h + 1) of \(heads)", x: Double(left), y: Double(y0 - 4), size: 9) }
            for (i, row) in panel.enumerated() {
                let peak = max(row.max() ?? 1, 1e-6)
                for (j, w) in row.enumerated() where w > 0.01 * peak {
                    canvas.fillRectangle(x: Double(left + j * cell), y: Double(y0 + i * cell), width: Double(cell), height: Double(cell),
                                         color: .ink, alpha: Double(min(1, w / peak)))
                }
                let label = i < characters.count ? (characters[i] == " " ? "␣" : characters[i]) : ""
                canvas.text(label, x: Double(left - 4), y: Double(y0 + i * cell + cell - 1), size: 8, anchor: .end)
            }
        }
        let axis = top + heads * panelHeight + 12
        let step = max(1, Int((0.5 / frameSeconds).rounded()))   // a tick every half second
        for j in stride(from: 0, through: frames, by: step) {
            canvas.text(String(format: "%.1f", start + Double(j) * frameSeconds), x: Double(left + j * cell), y: Double(axis),
                        size: 8, anchor: .middle)
        }
        canvas.text("time (s)", x: Double(left), y: Double(axis + 12), size: 8)
        return try canvas.finish()
    }
}
