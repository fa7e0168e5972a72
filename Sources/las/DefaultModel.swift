import Foundation

/// Where `las` finds a model when --model is not given: $LAS_MODEL, else the model bundled in
/// this checkout (models/default.safetensors), found from the source location, so it works
/// from any working directory.
enum DefaultModel {
    static var path: String {
        if let env = ProcessInfo.processInfo.environment["LAS_MODEL"], !env.isEmpty { return env }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("models/default.safetensors").path
    }
}
