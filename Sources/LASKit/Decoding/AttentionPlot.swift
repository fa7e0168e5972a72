/// An SVG picture of where the speller listened: one row per output character, one column
/// per listener frame (time runs left to right), darker where the attention weight is larger,
/// relative to the row's peak so that spread-out weights stay visible. A multi-head model gets
/// one panel per head, stacked, each labelled with its head.
public enum AttentionPlot {
    /// `weights`: per character, [heads, frames] head-major (as `Transcript.alignments` keeps them).
    public static func svg(characters: [String], weights: [[Float]], heads: Int = 1, frameSeconds: Double, start: Double = 0,
                           title: String) -> String {
        let cell = 8, left = 48, top = 28, bottom = 28, panelGap = heads > 1 ? 16 : 0
        let panels = (0..<max(1, heads)).map { AttentionDiagnostics.head($0, of: weights, heads: max(1, heads)) }
        let frames = panels[0].map(\.count).max() ?? 0
        let panelHeight = panelGap + characters.count * cell
        let width = left + max(1, frames) * cell + 12, height = top + panels.count * panelHeight + bottom
        var s = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" font-family="monospace" font-size="8">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(left)" y="14" font-size="11">\(escape(title))</text>

        """
        for (h, panel) in panels.enumerated() {
            let y0 = top + h * panelHeight + panelGap
            if heads > 1 { s += "<text x=\"\(left)\" y=\"\(y0 - 4)\" font-size=\"9\">head \(h + 1) of \(heads)</text>\n" }
            for (i, row) in panel.enumerated() {
                let peak = max(row.max() ?? 1, 1e-6)
                for (j, w) in row.enumerated() where w > 0.01 * peak {
                    s += "<rect x=\"\(left + j * cell)\" y=\"\(y0 + i * cell)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"#08306b\" fill-opacity=\"\(String(format: "%.3f", min(1, w / peak)))\"/>\n"
                }
                let label = i < characters.count ? (characters[i] == " " ? "␣" : characters[i]) : ""
                s += "<text x=\"\(left - 4)\" y=\"\(y0 + i * cell + cell - 1)\" text-anchor=\"end\">\(escape(label))</text>\n"
            }
        }
        let axis = top + panels.count * panelHeight + 12
        let step = max(1, Int((0.5 / frameSeconds).rounded()))   // a tick every half second
        for j in stride(from: 0, through: frames, by: step) {
            s += "<text x=\"\(left + j * cell)\" y=\"\(axis)\" text-anchor=\"middle\">\(String(format: "%.1f", start + Double(j) * frameSeconds))</text>\n"
        }
        s += "<text x=\"\(left)\" y=\"\(axis + 12)\">time (s)</text>\n</svg>\n"
        return s
    }

    static func escape(_ t: String) -> String {
        t.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}

#if canImport(Foundation)
import Foundation
#endif
