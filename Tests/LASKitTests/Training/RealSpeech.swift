import Foundation
import LASKit

/// Real AN4 recordings for tests, committed under Tests/Fixtures/speech/an4.
enum RealSpeech {
    static var an4: URL { URL(fileURLWithPath: speechFixture("an4")) }

    /// The first `count` (at most 8, the fixture's) utterances of the AN4 transcription file
    /// (Sphinx format).
    static func an4Utterances(_ count: Int) throws -> [Utterance] {
        let text = try String(contentsOf: an4.appendingPathComponent("etc/an4_train.transcription"), encoding: .utf8)
        return text.split(separator: "\n").prefix(count).map { line in
            let id = String(line[line.index(after: line.lastIndex(of: "(")!)..<line.lastIndex(of: ")")!])
            let words = line.components(separatedBy: "<s>")[1].components(separatedBy: "</s>")[0]
                .trimmingCharacters(in: .whitespaces)
            let speaker = id.split(separator: "-")[1]
            return Utterance(id: id, audioPath: an4.appendingPathComponent("wav/an4_clstk/\(speaker)/\(id).wav").path, text: words)
        }
    }
}
