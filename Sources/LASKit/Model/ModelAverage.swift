/// The element-wise mean of several models' weights. Averaging the last few epochs of one run
/// lands nearer the centre of the basin the optimizer is circling than any single epoch does
/// (Polyak and Juditsky 1992; Izmailov et al. 2018); ESPnet's recipes average their best
/// snapshots the same way. Only models that differ in nothing but their weights can be averaged.
public enum ModelAverage {
    public struct Mismatch: Error, CustomStringConvertible {
        public let description: String
    }

    /// `models` are (path, recognizer) pairs; paths only name the culprit in errors. The result
    /// keeps the first model's vocabulary, front end and CMVN, which all others must share.
    public static func average(_ models: [(path: String, recognizer: Recognizer)]) throws -> Recognizer {
        guard let (firstPath, first) = models.first else {
            throw Mismatch(description: "no models to average")
        }
        let reference = try ModelFile.metadata(first).filter { $0.key != ModelFile.Key.notes }
        for (path, other) in models.dropFirst() {
            let described = try ModelFile.metadata(other).filter { $0.key != ModelFile.Key.notes }
            if let key = reference.keys.sorted().first(where: { reference[$0] != described[$0] }) {
                throw Mismatch(description: "\(path): its \(key) differs from \(firstPath)'s; only models of one training run can be averaged")
            }
        }
        let result = LASModel(config: first.model.config, seed: 0)
        let scale = 1 / Float(models.count)
        for (k, p) in result.parameters.enumerated() {
            var sum = [Float](repeating: 0, count: p.value.count)
            for (_, r) in models {
                r.model.parameters[k].value.withUnsafeBufferPointer { v in
                    for i in sum.indices { sum[i] += v[i] }
                }
            }
            for i in sum.indices { sum[i] *= scale }
            p.value = sum
        }
        var notes = first.notes
        for key in ["epoch", "dev_wer", "dev_cer"] { notes[key] = nil }   // described one epoch, not the mean
        notes["averaged_from"] = models.map { $0.path }.joined(separator: ",")
        return Recognizer(model: result, vocabulary: first.vocabulary, normalizer: first.normalizer,
                          featureConfig: first.featureConfig, cmvn: first.cmvn, notes: notes,
                          languageModel: first.languageModel)
    }
}
