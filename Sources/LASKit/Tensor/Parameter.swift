/// A trainable tensor: its values and the gradient of the loss with respect to them,
/// row-major, same shape. Layers hold parameters by reference so the optimizer, the
/// model file and the layer all see one storage.
public final class Parameter {
    public let name: String
    public let shape: [Int]
    public var value: [Float]
    /// Allocated on first use: a model that only decodes never touches it, and would otherwise
    /// carry a second zero-filled copy of every weight (28 MB for the bundled model).
    public lazy var grad: [Float] = [Float](repeating: 0, count: value.count)

    public var count: Int { value.count }

    public init(name: String, shape: [Int], value: [Float]) {
        precondition(shape.reduce(1, *) == value.count, "\(name): shape \(shape) does not hold \(value.count) values")
        self.name = name
        self.shape = shape
        self.value = value
    }

    /// Uniform in [-bound, bound]: PyTorch's default for LSTM and Linear with bound = 1/√fan_in.
    public convenience init(name: String, shape: [Int], uniform bound: Float, rng: inout SplitMix64) {
        let n = shape.reduce(1, *)
        var v = [Float](repeating: 0, count: n)
        for i in 0..<n { v[i] = Float(rng.nextUniform() * 2 - 1) * bound }
        self.init(name: name, shape: shape, value: v)
    }

    public convenience init(name: String, zeros shape: [Int]) {
        self.init(name: name, shape: shape, value: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    public func zeroGrad() {
        grad.withUnsafeMutableBufferPointer { g in g.update(repeating: 0) }
    }
}

/// Anything that owns parameters, listed in a fixed order (the order the optimizer,
/// gradient checks and model files use).
public protocol ParameterContainer {
    var parameters: [Parameter] { get }
}

extension ParameterContainer {
    public func zeroGrad() { for p in parameters { p.zeroGrad() } }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }
}
