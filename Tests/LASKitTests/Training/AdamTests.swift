import XCTest
import LASKit

final class AdamTests: XCTestCase {
    /// Sizes on both sides of the two-thread split, with a tail that is not a multiple of 8.
    func parameters(seed: UInt64) -> [Parameter] {
        var rng = SplitMix64(seed: seed)
        return [3, 70_001].enumerated().map { k, n in
            let p = Parameter(name: "p\(k)", shape: [n], uniform: 0.5, rng: &rng)
            p.grad = GradientCheck.random(n, rng: &rng, scale: 2)
            return p
        }
    }

    func testUpdateFollowsKingmaAndBaAlgorithmOne() {
        let params = parameters(seed: 1)
        var θ = params.map { $0.value.map(Double.init) }
        var m = params.map { [Double](repeating: 0, count: $0.count) }, v = m
        let adam = Adam(parameters: params, learningRate: 0.01)
        for t in 1...3 {
            adam.update()
            for (k, p) in params.enumerated() {
                for i in 0..<p.count {
                    let g = Double(p.grad[i])
                    m[k][i] = 0.9 * m[k][i] + 0.1 * g
                    v[k][i] = 0.999 * v[k][i] + 0.001 * g * g
                    let mHat = m[k][i] / (1 - pow(0.9, Double(t))), vHat = v[k][i] / (1 - pow(0.999, Double(t)))
                    θ[k][i] -= 0.01 * mHat / (vHat.squareRoot() + 1e-8)
                }
            }
        }
        for (k, p) in params.enumerated() {
            for i in stride(from: 0, to: p.count, by: 97) {
                XCTAssertEqual(Double(p.value[i]), θ[k][i], accuracy: 1e-5, "\(p.name)[\(i)]")
            }
        }
    }

    func testScaledUpdateEqualsUpdateOfScaledGradients() {
        let a = parameters(seed: 2), b = parameters(seed: 2)
        for p in b { p.grad = p.grad.map { $0 * 0.25 } }
        let adamA = Adam(parameters: a), adamB = Adam(parameters: b)
        for _ in 0..<2 { adamA.update(gradientScale: 0.25); adamB.update() }
        for (p, q) in zip(a, b) { XCTAssertEqual(p.value, q.value, p.name) }
    }

    func testGradientNormIsTheL2NormOverAllParameters() {
        let params = parameters(seed: 3)
        let expected = params.flatMap(\.grad).reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
        XCTAssertEqual(Double(gradientNorm(params)), expected, accuracy: expected * 1e-5)
    }

    func testClipScaleOnlyShrinksGradientsAboveTheLimit() {
        XCTAssertEqual(clipScale(norm: 10, maxNorm: 5), 0.5)
        XCTAssertEqual(clipScale(norm: 4, maxNorm: 5), 1)
        XCTAssertEqual(clipScale(norm: .infinity, maxNorm: 5), 1, "a non-finite norm stops training elsewhere")
    }
}
