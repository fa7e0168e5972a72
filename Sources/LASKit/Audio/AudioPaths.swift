import Foundation

/// Expands command-line paths: a folder stands for the audio files in it (recursively,
/// sorted); a file stands for itself, whatever its name, so a bad file is reported, not skipped.
public enum AudioPaths {
    public static let extensions: Set<String> = ["wav", "flac", "ogg", "oga", "aiff", "aif", "aifc", "sph", "nist", "au", "snd", "caf", "w64", "rf64", "opus", "mp3"]

    public static func expand(_ paths: [String]) -> [String] {
        var out: [String] = []
        for p in paths {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: p, isDirectory: &isDirectory), isDirectory.boolValue {
                let found = (FileManager.default.enumerator(atPath: p)?.allObjects as? [String] ?? [])
                    .filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }
                    .sorted()
                out += found.map { (p as NSString).appendingPathComponent($0) }
            } else {
                out.append(p)
            }
        }
        return out
    }
}
