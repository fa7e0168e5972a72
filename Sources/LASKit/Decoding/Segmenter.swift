/// Splits long recordings where they are quietest, so each piece stays within the length the
/// model handles well: cut points are the lowest-energy 100 ms window in the last half of
/// each `maxSeconds` span (a pause between words, where cutting loses nothing).
public enum Segmenter {
    public struct Segment: Equatable {
        public var start: Int   // first sample
        public var end: Int     // one past the last sample
    }

    public static func split(_ samples: [Float], sampleRate: Int, maxSeconds: Double) -> [Segment] {
        let maxLength = Int(maxSeconds * Double(sampleRate))
        guard samples.count > maxLength, maxLength > 0 else { return [Segment(start: 0, end: samples.count)] }
        let hop = max(1, sampleRate / 100)          // 10 ms energy frames
        let window = 10                              // 100 ms of them
        var energy = [Float](repeating: 0, count: samples.count / hop)
        for f in 0..<energy.count {
            var s: Float = 0
            for i in (f * hop)..<((f + 1) * hop) { s += samples[i] * samples[i] }
            energy[f] = s
        }
        var segments: [Segment] = []
        var start = 0
        while samples.count - start > maxLength {
            let lo = (start + maxLength / 2) / hop, hi = min(energy.count - window, (start + maxLength) / hop - window)
            var best = hi, bestEnergy = Float.infinity
            if lo <= hi {
                var running: Float = 0
                for f in lo..<(lo + window) { running += energy[f] }
                for f in lo...hi {
                    if running < bestEnergy { bestEnergy = running; best = f }
                    if f + window < energy.count { running += energy[f + window] - energy[f] }
                }
            }
            let cut = min(samples.count, max(start + hop, (best + window / 2) * hop))
            segments.append(Segment(start: start, end: cut))
            start = cut
        }
        segments.append(Segment(start: start, end: samples.count))
        return segments
    }
}
