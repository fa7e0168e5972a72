#if canImport(Glibc)
import Glibc
#endif

/// Adam (Kingma & Ba 2015, Algorithm 1) with bias correction:
///
///     m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  θ ← θ − lr · m̂ / (√v̂ + ε)
///
/// where m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ). Its moments are part of a checkpoint, so a resumed
/// run continues exactly.
public final class Adam {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public private(set) var step: Int = 0
    public private(set) var firstMoments: [[Float]]
    public private(set) var secondMoments: [[Float]]
    let parameters: [Parameter]

    public init(parameters: [Parameter], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8) {
        self.parameters = parameters
        self.learningRate = learningRate; self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon
        firstMoments = parameters.map { [Float](repeating: 0, count: $0.count) }
        secondMoments = firstMoments
    }

    public func update() {
        step += 1
        let c1 = 1 - powf(beta1, Float(step)), c2 = 1 - powf(beta2, Float(step))
        let lr = learningRate / c1, b1 = beta1, b2 = beta2, eps = epsilon
        let sqrtC2 = c2.squareRoot()
        for (k, p) in parameters.enumerated() {
            p.value.withUnsafeMutableBufferPointer { w in
            p.grad.withUnsafeBufferPointer { g in
            firstMoments[k].withUnsafeMutableBufferPointer { m in
            secondMoments[k].withUnsafeMutableBufferPointer { v in
                for i in 0..<w.count {
                    let gi = g[i]
                    m[i] = b1 * m[i] + (1 - b1) * gi
                    v[i] = b2 * v[i] + (1 - b2) * gi * gi
                    // θ −= (lr/c1) · m / (√v/√c2 + ε)
                    w[i] -= lr * m[i] / (v[i].squareRoot() / sqrtC2 + eps)
                }
            }}}}
        }
    }

    /// Restores a saved state (from a checkpoint).
    public func restore(step: Int, firstMoments: [[Float]], secondMoments: [[Float]]) {
        precondition(firstMoments.count == parameters.count && secondMoments.count == parameters.count)
        self.step = step; self.firstMoments = firstMoments; self.secondMoments = secondMoments
    }
}

/// Global gradient-norm clipping (Pascanu et al. 2013): if ‖g‖₂ over all parameters exceeds
/// `maxNorm`, scale every gradient by maxNorm/‖g‖. Returns the norm before clipping.
@discardableResult
public func clipGradientNorm(_ parameters: [Parameter], maxNorm: Float) -> Float {
    var sum = 0.0
    for p in parameters {
        p.grad.withUnsafeBufferPointer { g in
            var s: Float = 0
            for x in g { s += x * x }
            sum += Double(s)
        }
    }
    let norm = Float(sum.squareRoot())
    if norm > maxNorm && norm.isFinite {
        let scale = maxNorm / norm
        for p in parameters { p.grad.withUnsafeMutableBufferPointer { g in for i in 0..<g.count { g[i] *= scale } } }
    }
    return norm
}
