/// The listener (Chan et al. 2016, §3.1): a stack of bidirectional LSTMs, each preceded by a
/// pyramidal reduction where the configuration asks for one (by default every layer but the
/// first), turning x[T, B, D] into h[T/timeReduction, B, 2H]. Shorter encoder sequences make
/// attention cheaper and easier to learn; a reduction before the first layer halves its cost.
public struct Listener: ParameterContainer {
    public let inputSize: Int
    public let layers: [BidirectionalLSTM]
    /// Whether each layer's input frames are concatenated in pairs first.
    public let reduces: [Bool]
    public let dropout: Dropout

    public init(config: LASConfig, rng: inout SplitMix64) {
        var layers: [BidirectionalLSTM] = []
        for (l, factor) in config.reductions.enumerated() {
            let input = factor * (l == 0 ? config.inputSize : config.encoderOutputSize)
            layers.append(BidirectionalLSTM(name: "listener.\(l)", inputSize: input,
                                            hiddenSize: config.encoderHidden, rng: &rng))
        }
        self.layers = layers
        inputSize = config.inputSize
        reduces = config.reductions.map { $0 == 2 }
        dropout = Dropout(probability: config.dropout)
    }

    public var parameters: [Parameter] { layers.flatMap(\.parameters) }

    public struct Cache {
        var layers: [BidirectionalLSTM.Cache] = []
        var steps: [Int] = []        // T at each layer's input, before reduction
        var masks: [[Float]] = []
        public var outputSteps = 0
        public var outputLengths: [Int] = []
        public init() {}
    }

    /// x is time-major [T, B, D]; returns time-major [T', B, 2H], zero on padding.
    public func forward(_ x: [Float], steps T: Int, batch B: Int, lengths: [Int],
                        training: Bool, rng: inout SplitMix64, cache: inout Cache) -> [Float] {
        var rngs = rng.split(B)
        return forward(x, steps: T, batch: B, lengths: lengths, training: training, rngs: &rngs, cache: &cache)
    }

    /// As above with one generator per utterance for the dropout masks.
    public func forward(_ x: [Float], steps T: Int, batch B: Int, lengths: [Int],
                        training: Bool, rngs: inout [SplitMix64], cache: inout Cache) -> [Float] {
        cache = Cache()
        var h = x, t = T, lens = lengths, width = inputSize
        for (l, layer) in layers.enumerated() {
            cache.steps.append(t)
            if reduces[l] {
                h = PyramidalReduction.forward(h, steps: t, batch: B, width: width)
                t /= 2; lens = PyramidalReduction.lengths(lens); width *= 2
            }
            var c = BidirectionalLSTM.Cache()
            h = layer.forward(h, steps: t, batch: B, lengths: lens, cache: &c)
            cache.layers.append(c)
            cache.masks.append(training ? dropout.forward(&h, steps: t, batch: B, width: layer.outputSize, lengths: lens, rngs: &rngs) : [])
            width = layer.outputSize
        }
        cache.outputSteps = t
        cache.outputLengths = lens
        return h
    }

    /// Accumulates parameter gradients; returns dL/dx, or nothing without `inputGradient`
    /// (features need no gradient, and skipping it saves one product of the first layer).
    public func backward(_ dy: [Float], batch B: Int, cache: Cache, inputGradient: Bool = true) -> [Float] {
        var d = dy
        for l in stride(from: layers.count - 1, through: 0, by: -1) {
            dropout.backward(&d, mask: cache.masks[l])
            let needsInput = l > 0 || inputGradient
            d = layers[l].backward(d, cache: cache.layers[l], inputGradient: needsInput)
            if reduces[l] && needsInput {
                d = PyramidalReduction.backward(d, steps: cache.steps[l], batch: B, width: layers[l].inputSize / 2)
            }
        }
        return d
    }
}
