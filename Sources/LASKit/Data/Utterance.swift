/// One recording and its transcript, as listed in a data set.
public struct Utterance: Equatable, Hashable, Codable, Sendable {
    /// Unique within its data set.
    public var id: String
    /// Absolute path: relative paths in a manifest or wav.scp are resolved when the data set loads.
    public var audioPath: String
    /// The transcript as written in the data set (not yet normalized).
    public var text: String
    /// Seconds, when the data set states it (manifest "duration", Kaldi utt2dur).
    public var duration: Double?
    public var speaker: String?

    public init(id: String, audioPath: String, text: String, duration: Double? = nil, speaker: String? = nil) {
        self.id = id
        self.audioPath = audioPath
        self.text = text
        self.duration = duration
        self.speaker = speaker
    }
}
