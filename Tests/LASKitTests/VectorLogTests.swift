import Foundation
import LASKit
import XCTest

final class VectorLogTests: XCTestCase {
    func testAgreesWithLogfAcrossTheFeatureRange() {
        // From the log floor (FLT_EPSILON) to energies of loud 16-bit speech (~1e15), log-spaced.
        var values = (0..<100_000).map { Float(pow(10, -7 + 23 * Double($0) / 99_999)) }
        values += [Float.ulpOfOne, 1, 2, 0.5, Float(M_E), 0.7071067, 0.7071068, 1.4142135]
        let expected = values.map { logf($0) }
        naturalLog(&values)
        for (got, want) in zip(values, expected) {
            XCTAssertLessThanOrEqual(abs(got - want), max(2 * want.ulp, 1e-7), "log → \(want)")
        }
    }

    func testEmptyArrayIsLeftAlone() {
        var empty: [Float] = []
        naturalLog(&empty)
        XCTAssertTrue(empty.isEmpty)
    }
}
