/// Everything needed to turn audio into text: the network and the exact front end and text
/// conventions it was trained with. One model file holds one recognizer.
public struct Recognizer {
    public var model: LASModel
    public var vocabulary: Vocabulary
    public var normalizer: TextNormalizer
    public var featureConfig: FeatureConfig
    public var cmvn: CMVN
    /// Free-form facts about how the model was made (data, epochs, dev error), kept in the file.
    public var notes: [String: String]
    /// Character language model for shallow fusion in beam search (optional).
    public var languageModel: CharacterNGram?

    public init(model: LASModel, vocabulary: Vocabulary, normalizer: TextNormalizer,
                featureConfig: FeatureConfig, cmvn: CMVN, notes: [String: String] = [:],
                languageModel: CharacterNGram? = nil) {
        self.model = model; self.vocabulary = vocabulary; self.normalizer = normalizer
        self.featureConfig = featureConfig; self.cmvn = cmvn; self.notes = notes
        self.languageModel = languageModel
    }

    /// A character n-gram of `order` estimated from `texts`, normalized and encoded as this
    /// recognizer's training targets are (characters outside the vocabulary are dropped).
    public func languageModel(order: Int, texts: [String]) -> CharacterNGram {
        CharacterNGram(order: order, vocabularySize: vocabulary.count,
                       sentences: texts.map { vocabulary.encodeSkippingUnknown(normalizer.normalize($0)) })
    }
}
