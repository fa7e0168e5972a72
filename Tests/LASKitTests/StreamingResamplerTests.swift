import XCTest
import LASKit

final class StreamingResamplerTests: XCTestCase {
    func testBlockByBlockConversionEqualsConvertingTheWholeSignal() throws {
        let input = sine(frequency: 440, sampleRate: 8_000, count: 20_000) .enumerated().map { $0.element * Float(1 + $0.offset % 7) / 8 }
        let whole = try Resampler.resample(input, from: 8_000, to: 16_000)
        let resampler = try StreamingResampler(from: 8_000, to: 16_000)
        var streamed: [Float] = []
        for start in stride(from: 0, to: input.count, by: 777) {
            streamed += try resampler.process(Array(input[start..<min(start + 777, input.count)]))
        }
        streamed += try resampler.process([], last: true)
        XCTAssertEqual(streamed.count, whole.count)
        var worst: Float = 0
        for (a, b) in zip(streamed, whole) { worst = max(worst, abs(a - b)) }
        XCTAssertLessThan(worst, 1e-5)
    }
}
