import Foundation
import XCTest

/// A fresh temporary folder per test, removed afterwards.
func makeTemporaryDirectory(_ test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("laskit-tests-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// amplitude · sin(2π f n / rate + phase), n < count.
func sine(frequency: Double, sampleRate: Int, count: Int, amplitude: Double = 0.5, phase: Double = 0) -> [Float] {
    (0..<count).map { Float(amplitude * sin(2 * Double.pi * frequency * Double($0) / Double(sampleRate) + phase)) }
}

/// Mean power of `x` at one frequency (Goertzel), normalised so a sine of amplitude A gives A²/4.
func powerAt(_ frequency: Double, in x: [Float], sampleRate: Int) -> Double {
    let w = 2 * Double.pi * frequency / Double(sampleRate)
    var re = 0.0, im = 0.0
    for (n, v) in x.enumerated() {
        re += Double(v) * cos(w * Double(n))
        im -= Double(v) * sin(w * Double(n))
    }
    let n = Double(x.count)
    return (re * re + im * im) / (n * n)
}

func rms(_ x: ArraySlice<Float>) -> Double {
    (x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(1, x.count))).squareRoot()
}

/// Repository root, for the committed fixtures.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// A real recording (or transcript) committed under Tests/Fixtures/speech, laid out as the corpus
/// is (`an4/wav/an4_clstk/fjam/an78-fjam-b.wav`); tools/make_test_speech.sh copied them.
func speechFixture(_ relative: String) -> String {
    repositoryRoot.appendingPathComponent("Tests/Fixtures/speech").appendingPathComponent(relative).path
}
