/// An SVG picture of where the speller listened: one row per output character, one column
/// per listener frame (time runs left to right), darker where the attention weight is larger,
/// relative to the row's peak so that spread-out weights stay visible.
public enum AttentionPlot {
    public static func svg(characters: [String], weights: [[Float]], frameSeconds: Double, start: Double = 0,
                           title: String) -> String {
        let cell = 8, left = 48, top = 28, bottom = 28
        let frames = weights.map(\.count).max() ?? 0
        let width = left + max(1, frames) * cell + 12, height = top + characters.count * cell + bottom
        var s = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" font-family="monospace" font-size="8">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(left)" y="14" font-size="11">\(escape(title))</text>

        """
        for (i, row) in weights.enumerated() {
            let peak = max(row.max() ?? 1, 1e-6)
            for (j, w) in row.enumerated() where w > 0.01 * peak {
                s += "<rect x=\"\(left + j * cell)\" y=\"\(top + i * cell)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"#08306b\" fill-opacity=\"\(String(format: "%.3f", min(1, w / peak)))\"/>\n"
            }
            let label = i < characters.count ? (characters[i] == " " ? "␣" : characters[i]) : ""
            s += "<text x=\"\(left - 4)\" y=\"\(top + i * cell + cell - 1)\" text-anchor=\"end\">\(escape(label))</text>\n"
        }
        let axis = top + characters.count * cell + 12
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
