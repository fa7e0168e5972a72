import Foundation

/// How often and how hard training audio is corrupted (multi-condition training: Kaldi's
/// `wav-reverberate` recipes, Ko et al. 2017 for simulated rooms). Every utterance of every step
/// draws each corruption independently with its probability, so each epoch hears new rooms and
/// noises and no copies are stored. Ranges are [lower, upper], drawn uniformly. Missing keys
/// of a `--config` keep these defaults, the milder of the two settings the recipe measured
/// (models/README.md): corrupting about two utterances in three (noise p 0.4 at 0–30 dB, rooms
/// p 0.25 up to RT60 0.9 s) cost 3 points of clean AN4 dev WER; these cost 0.7 and keep most of
/// the gain in noise and rooms.
public struct MultiConditionTraining: Codable, Equatable, Sendable {
    public var noiseProbability: Float = 0.2
    public var snrRange: [Float] = [5, 30]
    /// Noise recordings (files, or folders of them) mixed in besides babble and coloured noise.
    public var noiseFiles: [String] = []
    /// Talkers summed for babble.
    public var babbleTalkers: [Int] = [3, 7]
    public var reverbProbability: Float = 0.1
    public var rt60Range: [Float] = [0.2, 0.7]
    public var colorationProbability: Float = 0.1
    public var highPassRange: [Float] = [50, 400]
    public var lowPassRange: [Float] = [3_000, 8_000]
    public var peakGainRangeDB: [Float] = [-8, 8]
    /// Gain in dB before clipping to [−1, 1]: below 0 a quiet recording, above 0 an overdriven one.
    public var gainProbability: Float = 0.1
    public var gainRangeDB: [Float] = [-30, 20]
    /// Drawn once per batch, not per utterance: a batch costs as much as its longest member, so
    /// padding one utterance of sixteen would lengthen them all.
    public var paddingProbability: Float = 0.1
    /// Up to this many seconds of exact zeros before and after (each drawn on its own), and
    /// never more than the utterance's own length on either side.
    public var maxPaddingSeconds: Float = 1

    public init() {}

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        func read<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws { value = try c.decodeIfPresent(T.self, forKey: key) ?? value }
        try read(.noiseProbability, &noiseProbability); try read(.snrRange, &snrRange); try read(.noiseFiles, &noiseFiles)
        try read(.babbleTalkers, &babbleTalkers); try read(.reverbProbability, &reverbProbability); try read(.rt60Range, &rt60Range)
        try read(.colorationProbability, &colorationProbability); try read(.highPassRange, &highPassRange)
        try read(.lowPassRange, &lowPassRange); try read(.peakGainRangeDB, &peakGainRangeDB)
        try read(.gainProbability, &gainProbability); try read(.gainRangeDB, &gainRangeDB)
        try read(.paddingProbability, &paddingProbability); try read(.maxPaddingSeconds, &maxPaddingSeconds)
    }

    /// The first setting that cannot be used, for the user (nil: all usable).
    public var problem: String? {
        for (name, p) in [("noiseProbability", noiseProbability), ("reverbProbability", reverbProbability),
                          ("colorationProbability", colorationProbability), ("gainProbability", gainProbability),
                          ("paddingProbability", paddingProbability)] where !(p >= 0 && p <= 1) {
            return "multiCondition.\(name) must lie between 0 and 1 (is \(p))"
        }
        for (name, r) in [("snrRange", snrRange), ("rt60Range", rt60Range), ("highPassRange", highPassRange),
                          ("lowPassRange", lowPassRange), ("peakGainRangeDB", peakGainRangeDB), ("gainRangeDB", gainRangeDB)]
            where r.count != 2 || !(r[0] <= r[1]) || !r.allSatisfy(\.isFinite) {
            return "multiCondition.\(name) must be [lower, upper] with lower ≤ upper (is \(r))"
        }
        if !(rt60Range[0] > 0 && rt60Range[1] <= 5) { return "multiCondition.rt60Range must lie in (0, 5] s (is \(rt60Range))" }
        if !(highPassRange[0] > 0) { return "multiCondition.highPassRange must be above 0 Hz (is \(highPassRange))" }
        if babbleTalkers.count != 2 || babbleTalkers[0] < 1 || babbleTalkers[0] > babbleTalkers[1] {
            return "multiCondition.babbleTalkers must be [fewest, most] with 1 ≤ fewest ≤ most (is \(babbleTalkers))"
        }
        if !(maxPaddingSeconds >= 0 && maxPaddingSeconds <= 60) { return "multiCondition.maxPaddingSeconds must lie in [0, 60] (is \(maxPaddingSeconds))" }
        return nil
    }

    /// One draw of the chain for an utterance of `length` samples. Noise kinds are equally likely
    /// among those the pool has: a recording, babble, coloured noise. `padded` decides the
    /// padding (the trainer draws it per batch); nil draws it with `paddingProbability`.
    public func draw(sampleRate: Int, length: Int, pool: NoisePool, padded: Bool? = nil, rng: inout SplitMix64) -> Corruption {
        func uniform(_ r: [Float]) -> Float { r[0] + (r[1] - r[0]) * Float(rng.nextUniform()) }
        func happens(_ p: Float) -> Bool { p > 0 && Float(rng.nextUniform()) < p }
        var c = Corruption()
        if happens(reverbProbability) { c.reverbRT60 = uniform(rt60Range) }
        if happens(noiseProbability) {
            var kinds: [NoiseKind] = []
            if !pool.recordings.isEmpty { kinds.append(.recording(Int(rng.next() % UInt64(pool.recordings.count)))) }
            if !pool.babble.isEmpty {
                let n = babbleTalkers[0] + Int(rng.next() % UInt64(babbleTalkers[1] - babbleTalkers[0] + 1))
                kinds.append(.babble(n))
            }
            kinds.append(.color(NoiseColor.allCases[Int(rng.next() % 3)]))
            c.noise = (kinds[Int(rng.next() % UInt64(kinds.count))], uniform(snrRange))
        }
        if happens(colorationProbability) {
            c.coloration = MicrophoneColoration(highPass: Double(uniform(highPassRange)),
                                                lowPass: Double(min(uniform(lowPassRange), 0.49 * Float(sampleRate))),
                                                peakFrequency: Double(300 + 3_000 * Float(rng.nextUniform())),
                                                peakGainDB: Double(uniform(peakGainRangeDB)))
        }
        if happens(gainProbability) { c.gainDB = uniform(gainRangeDB) }
        if padded ?? happens(paddingProbability) {
            let most = min(Double(maxPaddingSeconds) * Double(sampleRate), Double(length))
            c.padding = (Int(most * rng.nextUniform()), Int(most * rng.nextUniform()))
        }
        return c
    }
}
