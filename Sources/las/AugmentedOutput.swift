import Foundation

/// Output file names for utterance ids: ids may hold characters a file name should not (`/`),
/// and two ids may then clash, so each name is made safe and, if taken, given the index.
struct OutputNames {
    private var taken = Set<String>()

    mutating func name(for id: String, index: Int) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        var stem = String(id.map { allowed.contains($0) ? $0 : "_" })
        if stem.hasPrefix(".") { stem = "_" + stem.dropFirst() }   // no hidden files, no `..`
        var name = stem + ".wav"
        // Case-insensitive: the same folder on macOS's default file system.
        if taken.contains(name.lowercased()) { name = "\(stem)-\(index + 1).wav" }
        taken.insert(name.lowercased())
        return name
    }
}

/// One line of the new manifest: the input's fields, with the copy's path (relative to the
/// manifest's folder, so the folder can be moved) and its own duration (padding changes it).
struct AugmentedManifestLine: Encodable {
    var audio_filepath: String
    var text: String
    var id: String
    var duration: Double
    var speaker: String?
}
