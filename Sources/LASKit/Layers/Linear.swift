/// Affine map y = x Wᵀ + b applied to every row of a rows×inputSize buffer.
/// W is [outputSize, inputSize] (PyTorch's layout), so both passes are one sgemm.
public struct Linear: ParameterContainer {
    public let inputSize: Int
    public let outputSize: Int
    public let weight: Parameter
    public let bias: Parameter?

    public init(name: String, inputSize: Int, outputSize: Int, bias: Bool = true, rng: inout SplitMix64) {
        self.inputSize = inputSize
        self.outputSize = outputSize
        let bound = 1 / Float(inputSize).squareRoot()
        weight = Parameter(name: name + ".weight", shape: [outputSize, inputSize], uniform: bound, rng: &rng)
        self.bias = bias ? Parameter(name: name + ".bias", shape: [outputSize], uniform: bound, rng: &rng) : nil
    }

    public var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }

    /// y = x Wᵀ + b (beta = 1 adds into what y holds, before the bias).
    /// y = x Wᵀ + b. `packed`, if given, must be `packedWeights()`: a product over a few rows
    /// then reads W packed once instead of having sgemm re-pack it on every call.
    public func forward(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>, beta: Float = 0,
                        packed: PackedMatrix? = nil) {
        guard rows > 0 else { return }
        if let packed {
            precondition(packed.rows == inputSize && packed.columns == outputSize, "Linear: packed weights of another shape")
            packed.multiply(rows: rows, x, beta: beta, y)
        } else {
            weight.value.withUnsafeBufferPointer { w in
                sgemm(transB: true, m: rows, n: outputSize, k: inputSize, x, w.baseAddress!, beta: beta, y)
            }
        }
        if let bias {
            bias.value.withUnsafeBufferPointer { b in
                Kernels.addRowVector(y, rows: rows, cols: outputSize, b.baseAddress!)
            }
        }
    }

    /// Wᵀ packed for `forward(_:rows:into:beta:packed:)`; valid until the weights change.
    public func packedWeights() -> PackedMatrix {
        weight.value.withUnsafeBufferPointer { PackedMatrix(transposeOf: $0.baseAddress!, outputs: outputSize, inputs: inputSize) }
    }

    public func forward(_ x: [Float], rows: Int) -> [Float] {
        var y = [Float](repeating: 0, count: rows * outputSize)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in forward(xp.baseAddress!, rows: rows, into: yp.baseAddress!) }
        }
        return y
    }

    /// Accumulates dW += dyᵀ x and db += Σ dy; writes (or with dxBeta = 1 adds) dx = dy W.
    public func backward(x: UnsafePointer<Float>, dy: UnsafePointer<Float>, rows: Int,
                         dx: UnsafeMutablePointer<Float>?, dxBeta: Float = 0) {
        guard rows > 0 else { return }
        weight.grad.withUnsafeMutableBufferPointer { gw in
            sgemm(transA: true, m: outputSize, n: inputSize, k: rows, dy, x, beta: 1, gw.baseAddress!)
        }
        if let bias {
            bias.grad.withUnsafeMutableBufferPointer { gb in
                Kernels.accumulateColumnSums(dy, rows: rows, cols: outputSize, into: gb.baseAddress!)
            }
        }
        if let dx {
            weight.value.withUnsafeBufferPointer { w in
                sgemm(m: rows, n: inputSize, k: outputSize, dy, w.baseAddress!, beta: dxBeta, dx)
            }
        }
    }

    public func backward(x: [Float], dy: [Float], rows: Int) -> [Float] {
        var dx = [Float](repeating: 0, count: rows * inputSize)
        x.withUnsafeBufferPointer { xp in
            dy.withUnsafeBufferPointer { dyp in
                dx.withUnsafeMutableBufferPointer { dxp in
                    backward(x: xp.baseAddress!, dy: dyp.baseAddress!, rows: rows, dx: dxp.baseAddress!)
                }
            }
        }
        return dx
    }
}
