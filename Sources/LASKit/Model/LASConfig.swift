/// Every size of a Listen-Attend-Spell model, so one code path builds a tiny model for
/// tests and a real one for training. Stored in model files.
public struct LASConfig: Codable, Equatable, Sendable {
    public var inputSize = 80
    public var encoderHidden = 256
    public var encoderLayers = 3
    public var embeddingSize = 64
    public var decoderHidden = 256
    /// "location" (default), "dot", "additive" or "multihead-location" (`AttentionKind`).
    public var attention = AttentionKind.location
    /// H of "multihead-location": the heads share attentionSize and the listener output evenly.
    public var attentionHeads = 1
    public var attentionSize = 256
    public var attentionChannels = 10
    public var attentionKernel = 31
    public var vocabularySize = 30
    public var labelSmoothing: Float = 0.1
    /// Dropout on each listener layer's output (0 turns it off).
    public var dropout: Float = 0
    /// λ of the joint CTC-attention loss (Kim, Hori & Watanabe 2017): λ·CTC + (1 − λ)·attention.
    public var ctcWeight: Float = 0
    /// For each listener layer, 1 or 2: whether consecutive pairs of its input frames are
    /// concatenated first. nil is Chan et al.'s pyramid, [1, 2, 2, …]; [2, 2, 1] stacks input
    /// frames instead (Sak et al. 2015's frame stacking), same /4 with a first layer half as long:
    /// 1.6× faster training, but half as many errors again on held-out speakers (models/README.md). [1, 2, 2, 1] deepens the listener without a further halving.
    public var listenerReductions: [Int]?

    public init() {}

    /// Missing keys keep their defaults, so a config file names only what it changes.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        inputSize = try c.decodeIfPresent(Int.self, forKey: .inputSize) ?? inputSize
        encoderHidden = try c.decodeIfPresent(Int.self, forKey: .encoderHidden) ?? encoderHidden
        encoderLayers = try c.decodeIfPresent(Int.self, forKey: .encoderLayers) ?? encoderLayers
        embeddingSize = try c.decodeIfPresent(Int.self, forKey: .embeddingSize) ?? embeddingSize
        decoderHidden = try c.decodeIfPresent(Int.self, forKey: .decoderHidden) ?? decoderHidden
        attention = try c.decodeIfPresent(AttentionKind.self, forKey: .attention) ?? attention
        attentionHeads = try c.decodeIfPresent(Int.self, forKey: .attentionHeads) ?? attentionHeads
        attentionSize = try c.decodeIfPresent(Int.self, forKey: .attentionSize) ?? attentionSize
        attentionChannels = try c.decodeIfPresent(Int.self, forKey: .attentionChannels) ?? attentionChannels
        attentionKernel = try c.decodeIfPresent(Int.self, forKey: .attentionKernel) ?? attentionKernel
        vocabularySize = try c.decodeIfPresent(Int.self, forKey: .vocabularySize) ?? vocabularySize
        labelSmoothing = try c.decodeIfPresent(Float.self, forKey: .labelSmoothing) ?? labelSmoothing
        dropout = try c.decodeIfPresent(Float.self, forKey: .dropout) ?? dropout
        ctcWeight = try c.decodeIfPresent(Float.self, forKey: .ctcWeight) ?? ctcWeight
        listenerReductions = try c.decodeIfPresent([Int].self, forKey: .listenerReductions)
    }

    /// The reference configuration of the benchmarks (`las bench`): 3 BiLSTM layers of
    /// 256 units per direction with pyramidal reduction (time /4, 512 wide), location-aware
    /// attention 256/10/31, embedding 64, speller 256, 30 output symbols.
    public static var lasBench: LASConfig { LASConfig() }

    /// What `las train` and `TrainingRun` train unless told otherwise: las-bench with the joint
    /// CTC loss at weight 0.3 (Kim, Hori & Watanabe 2017 use 0.2–0.5) and dropout 0.2, better
    /// than 0.1 on both held-out sets of the AN4+FSDD recipe (models/README.md).
    public static var recipe: LASConfig {
        var c = lasBench
        c.ctcWeight = 0.3
        c.dropout = 0.2
        return c
    }

    /// The first setting no model can be built with, for the user (nil: every size is usable).
    public var problem: String? {
        for (name, value) in [("inputSize", inputSize), ("encoderHidden", encoderHidden), ("encoderLayers", encoderLayers),
                              ("embeddingSize", embeddingSize), ("decoderHidden", decoderHidden),
                              ("attentionSize", attentionSize), ("attentionChannels", attentionChannels),
                              ("attentionKernel", attentionKernel), ("attentionHeads", attentionHeads)] where value < 1 {
            return "\(name) must be at least 1 (is \(value))"
        }
        if attentionHeads != 1 && attention != .multiHeadLocation {
            return "attentionHeads applies to multihead-location attention only (attention is \(attention.rawValue))"
        }
        if attention == .multiHeadLocation {
            for (name, value) in [("attentionSize", attentionSize), ("the listener output (2 × encoderHidden)", encoderOutputSize)]
            where value % attentionHeads != 0 {
                return "attentionHeads (\(attentionHeads)) must divide \(name) (\(value))"
            }
        }
        if (attention == .location || attention == .multiHeadLocation) && attentionKernel % 2 == 0 { return "attentionKernel must be odd, so the filter is centred (is \(attentionKernel))" }
        for (name, value) in [("dropout", dropout), ("labelSmoothing", labelSmoothing)] where !(value >= 0 && value < 1) {
            return "\(name) must be at least 0 and below 1 (is \(value))"
        }
        if !(ctcWeight >= 0 && ctcWeight <= 1) { return "ctcWeight must lie between 0 and 1 (is \(ctcWeight))" }
        if let r = listenerReductions {
            if r.count != encoderLayers { return "listenerReductions needs one factor per encoder layer (\(encoderLayers), has \(r.count))" }
            if let bad = r.first(where: { $0 != 1 && $0 != 2 }) { return "listenerReductions factors must be 1 or 2 (has \(bad))" }
        }
        return nil
    }

    /// Listener output width: both directions.
    public var encoderOutputSize: Int { 2 * encoderHidden }
    /// Each listener layer's reduction factor, with the pyramid filled in when none is set.
    public var reductions: [Int] { listenerReductions ?? (0..<encoderLayers).map { $0 == 0 ? 1 : 2 } }
    /// How many input frames make one listener output frame.
    public var timeReduction: Int { reductions.reduce(1, *) }
}
