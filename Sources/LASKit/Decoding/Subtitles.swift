/// SubRip (.srt) and WebVTT (.vtt) subtitles from transcript segments, one cue per segment, as
/// whisper.cpp writes them. Segments with no text get no cue.
public enum Subtitles {
    public enum Format { case srt, vtt }

    /// What comes before the first cue: WebVTT's signature line, nothing for SubRip.
    public static func header(_ format: Format) -> String {
        format == .vtt ? "WEBVTT\n\n" : ""
    }

    /// The cue for `segment`; `number` counts from 1 (SubRip numbers its cues).
    public static func cue(_ segment: TranscriptSegment, number: Int, format: Format) -> String {
        let times = "\(timestamp(segment.start, format)) --> \(timestamp(segment.end, format))"
        switch format {
        case .srt: return "\(number)\n\(times)\n\(segment.text)\n\n"
        case .vtt: return "\(times)\n\(segment.text)\n\n"
        }
    }

    /// The whole file for `segments`.
    public static func document(_ segments: [TranscriptSegment], format: Format) -> String {
        var out = header(format)
        for (k, s) in segments.filter({ !$0.text.isEmpty }).enumerated() { out += cue(s, number: k + 1, format: format) }
        return out
    }

    /// `HH:MM:SS,mmm` (SubRip) or `HH:MM:SS.mmm` (WebVTT).
    public static func timestamp(_ seconds: Double, _ format: Format) -> String {
        let ms = max(0, Int((seconds * 1000).rounded()))
        let h = ms / 3_600_000, m = ms / 60_000 % 60, s = ms / 1000 % 60, f = ms % 1000
        func two(_ x: Int) -> String { x < 10 ? "0\(x)" : "\(x)" }
        let fraction = f < 10 ? "00\(f)" : f < 100 ? "0\(f)" : "\(f)"
        return "\(two(h)):\(two(m)):\(two(s))\(format == .srt ? "," : ".")\(fraction)"
    }
}
