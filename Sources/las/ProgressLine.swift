/// The progress line for a long recording: `file  12:30 / 60:00  21%` (no total for a stream
/// of unknown length).
enum ProgressLine {
    static func text(file: String, seconds: Double, duration: Double?) -> String {
        guard let duration, duration > 0 else { return "\(file)  \(clock(seconds))" }
        let percent = Int((min(1, seconds / duration) * 100).rounded(.down))
        return "\(file)  \(clock(seconds)) / \(clock(duration))  \(percent)%"
    }

    /// `M:SS`, or `H:MM:SS` from an hour.
    static func clock(_ seconds: Double) -> String {
        let s = max(0, Int(seconds))
        func two(_ x: Int) -> String { x < 10 ? "0\(x)" : "\(x)" }
        return s >= 3600 ? "\(s / 3600):\(two(s / 60 % 60)):\(two(s % 60))" : "\(s / 60):\(two(s % 60))"
    }
}
