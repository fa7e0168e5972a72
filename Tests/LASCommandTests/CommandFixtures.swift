import Foundation
import LASKit

/// Files the command tests share: a tiny random model, bad inputs, small manifests of real speech.
enum CommandFixtures {
    static func temporaryDirectory(_ name: String) -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("las-\(name)-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static var samples: URL { LASProcess.repositoryRoot.appendingPathComponent("audio-samples") }
    /// Real recordings committed under Tests/Fixtures/speech (tools/make_test_speech.sh).
    static var fsdd: URL { LASProcess.repositoryRoot.appendingPathComponent("Tests/Fixtures/speech/fsdd") }
    static var an4: URL { LASProcess.repositoryRoot.appendingPathComponent("Tests/Fixtures/speech/an4") }

    /// An untrained model with a tiny configuration: its transcripts are nonsense, but every
    /// code path from audio to text runs.
    static func tinyModel(in dir: URL, attention: AttentionKind = .location, heads: Int = 1) throws -> String {
        var config = LASConfig()
        config.attention = attention; config.attentionHeads = heads
        config.encoderHidden = 8; config.encoderLayers = 2; config.embeddingSize = 4; config.decoderHidden = 8
        config.attentionSize = 8; config.attentionChannels = 2; config.attentionKernel = 3
        let vocabulary = Vocabulary.build(from: ["ABCDEFGHIJKLMNOPQRSTUVWXYZ "])
        config.vocabularySize = vocabulary.count
        let r = Recognizer(model: LASModel(config: config, seed: 1), vocabulary: vocabulary, normalizer: .default,
                           featureConfig: FeatureConfig(),
                           cmvn: CMVN(mean: [Float](repeating: 10, count: 80), inverseStd: [Float](repeating: 0.3, count: 80)))
        let path = dir.appendingPathComponent(attention == .location ? "tiny.safetensors" : "tiny-\(attention.rawValue).safetensors").path
        try ModelFile.save(r, to: path)
        return path
    }

    /// A corrupt WAV (a RIFF header and garbage), an empty file and a text file.
    static func badFiles(in dir: URL) throws -> (corrupt: String, empty: String, text: String) {
        let corrupt = dir.appendingPathComponent("corrupt.wav"), empty = dir.appendingPathComponent("empty.wav")
        let text = dir.appendingPathComponent("notes.wav")
        var bytes = Data("RIFF".utf8) + Data([0x24, 0x08, 0, 0]) + Data("WAVEfmt ".utf8)
        bytes += Data((0..<64).map { UInt8(($0 * 37) % 251) })
        try bytes.write(to: corrupt)
        try Data().write(to: empty)
        try Data("these are not samples\n".utf8).write(to: text)
        return (corrupt.path, empty.path, text.path)
    }

    /// A JSONL manifest of the first `count` AN4 utterances of `speakers`.
    static func an4Manifest(in dir: URL, name: String, speakers: [String], perSpeaker: Int) throws -> String {
        let lines = try String(contentsOf: an4.appendingPathComponent("etc/an4_train.transcription"), encoding: .utf8)
            .split(separator: "\n")
        var out = "", taken: [String: Int] = [:]
        for line in lines {
            let id = String(line[line.index(after: line.lastIndex(of: "(")!)..<line.lastIndex(of: ")")!])
            let speaker = String(id.split(separator: "-")[1])
            guard speakers.contains(speaker), taken[speaker, default: 0] < perSpeaker else { continue }
            taken[speaker, default: 0] += 1
            let text = line.components(separatedBy: "<s>")[1].components(separatedBy: "</s>")[0].trimmingCharacters(in: .whitespaces)
            let path = an4.appendingPathComponent("wav/an4_clstk/\(speaker)/\(id).wav").path
            out += "{\"audio_filepath\": \"\(path)\", \"text\": \"\(text)\", \"id\": \"\(id)\"}\n"
        }
        let url = dir.appendingPathComponent(name)
        try out.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}
