import XCTest
import LASKit

/// Central finite differences against analytic gradients.
///
/// The layers compute in Float, so the loss is perturbed by ±h with h = 1e-2 and accumulated in
/// Double. Truncation error of the central difference is O(h²·f''') ≈ 1e-4 relative for these
/// smooth, O(1)-scaled functions, and Float rounding in the forward pass contributes about
/// ε_float·|L|/h ≈ 1e-7·10/1e-2 = 1e-4 absolute. A wrong gradient (missing term, transposed
/// index, wrong sign) is off by O(1) relative, far beyond the tolerance |a−n| ≤ 1e-2·max(|a|,|n|) + 2e-3.
enum GradientCheck {
    static let step: Float = 1e-2

    struct Mismatch: CustomStringConvertible {
        let name: String, index: Int, analytic: Double, numeric: Double
        var description: String { "\(name)[\(index)]: analytic \(analytic), numeric \(numeric)" }
    }

    /// A perturbable array: its name, size and element accessors.
    struct Variable {
        let name: String
        let count: Int
        let read: (Int) -> Float
        let write: (Int, Float) -> Void

        init(_ name: String, count: Int, read: @escaping (Int) -> Float, write: @escaping (Int, Float) -> Void) {
            self.name = name; self.count = count; self.read = read; self.write = write
        }

        init(_ p: Parameter) {
            self.init(p.name, count: p.count, read: { p.value[$0] }, write: { p.value[$0] = $1 })
        }
    }

    /// Compares `gradient` with central differences of `loss` on up to `samples` entries
    /// of `variable` (all of them when it is small).
    static func check(_ variable: Variable, gradient: [Float], samples: Int = 24,
                      loss: () -> Double, file: StaticString = #filePath, line: UInt = #line) {
        var rng = SplitMix64(seed: 99)
        var mismatches: [Mismatch] = []
        let n = variable.count
        XCTAssertEqual(gradient.count, n, "\(variable.name): gradient size", file: file, line: line)
        let indices = n <= samples ? Array(0..<n) : (0..<samples).map { _ in Int(rng.next() % UInt64(n)) }
        for i in indices {
            let saved = variable.read(i)
            variable.write(i, saved + step)
            let plus = loss()
            variable.write(i, saved - step)
            let minus = loss()
            variable.write(i, saved)
            let numeric = (plus - minus) / (2 * Double(step))
            let analytic = Double(gradient[i])
            if abs(analytic - numeric) > 1e-2 * max(abs(analytic), abs(numeric)) + 2e-3 {
                mismatches.append(Mismatch(name: variable.name, index: i, analytic: analytic, numeric: numeric))
            }
        }
        XCTAssertFalse(indices.isEmpty, file: file, line: line)
        XCTAssertTrue(mismatches.isEmpty, "\(mismatches.count) of \(indices.count) gradients differ: \(mismatches.prefix(8))",
                      file: file, line: line)
    }

    /// Checks every parameter: `computeGradients` runs forward and backward once (grads are zeroed first).
    static func checkParameters(_ parameters: [Parameter], samples: Int = 24,
                                loss: () -> Double, computeGradients: () -> Void,
                                file: StaticString = #filePath, line: UInt = #line) {
        for p in parameters { p.zeroGrad() }
        computeGradients()
        for p in parameters {
            check(Variable(p), gradient: p.grad, samples: samples, loss: loss, file: file, line: line)
        }
    }

    static func random(_ n: Int, rng: inout SplitMix64, scale: Float = 1) -> [Float] {
        (0..<n).map { _ in Float(rng.nextUniform() * 2 - 1) * scale }
    }

    /// Σ y ⊙ r in Double: a scalar that depends on every output with random weights.
    static func project(_ y: [Float], _ r: [Float]) -> Double {
        var s = 0.0
        for i in 0..<y.count { s += Double(y[i]) * Double(r[i]) }
        return s
    }
}
