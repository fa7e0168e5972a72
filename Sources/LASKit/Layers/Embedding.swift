/// Token embedding: row `id` of a [vocabulary, size] table, initialized N(0, 1) as in PyTorch.
public struct Embedding: ParameterContainer {
    public let vocabularySize: Int
    public let size: Int
    public let table: Parameter

    public init(name: String, vocabularySize: Int, size: Int, rng: inout SplitMix64) {
        self.vocabularySize = vocabularySize
        self.size = size
        var v = [Float](repeating: 0, count: vocabularySize * size)
        for i in 0..<v.count { v[i] = Float(rng.nextNormal()) }
        table = Parameter(name: name + ".weight", shape: [vocabularySize, size], value: v)
    }

    public var parameters: [Parameter] { [table] }

    /// y[n, :] = table[ids[n], :].
    public func forward(_ ids: [Int32], into y: UnsafeMutablePointer<Float>) {
        table.value.withUnsafeBufferPointer { t in
            for (n, id) in ids.enumerated() {
                (y + n * size).update(from: t.baseAddress! + Int(id) * size, count: size)
            }
        }
    }

    public func forward(_ ids: [Int32]) -> [Float] {
        var y = [Float](repeating: 0, count: ids.count * size)
        y.withUnsafeMutableBufferPointer { forward(ids, into: $0.baseAddress!) }
        return y
    }

    /// table.grad[ids[n], :] += dy[n, :].
    public func backward(_ ids: [Int32], dy: UnsafePointer<Float>) {
        table.grad.withUnsafeMutableBufferPointer { g in
            for (n, id) in ids.enumerated() {
                Kernels.add(dy + n * size, into: g.baseAddress! + Int(id) * size, count: size)
            }
        }
    }
}
