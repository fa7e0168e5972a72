import Foundation
import XCTest
import LASKit

/// The attention picture comes out of cairo as a PNG or an SVG of the size the layout gives,
/// one panel per head.
final class AttentionPlotTests: XCTestCase {
    func testPNGAndSVGHaveTheLayoutsSizeWithAPanelPerHead() throws {
        let characters = ["A", " ", "B", "</s>"]
        // Two heads over 6 frames, each row a distribution.
        let weights: [[Float]] = (0..<characters.count).map { i in
            (0..<2).flatMap { h in (0..<6).map { j in j == (i + h) % 6 ? 0.9 : 0.02 } }
        }
        for heads in [1, 2] {
            let rows = heads == 1 ? weights.map { Array($0.prefix(6)) } : weights
            let expected = AttentionPlot.size(characters: characters.count, frames: 6, heads: heads)
            let png = [UInt8](try AttentionPlot.image(characters: characters, weights: rows, heads: heads, frameSeconds: 0.04,
                                                      title: "test", format: .png))
            XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            let be32 = { (o: Int) in png[o..<(o + 4)].reduce(0) { $0 << 8 | Int($1) } }
            XCTAssertEqual(Array(png[12..<16]), Array("IHDR".utf8))
            XCTAssertEqual(be32(16), expected.width)
            XCTAssertEqual(be32(20), expected.height)
            let svg = String(decoding: try AttentionPlot.image(characters: characters, weights: rows, heads: heads,
                                                                 frameSeconds: 0.04, title: "test", format: .svg), as: UTF8.self)
            XCTAssertTrue(svg.hasPrefix("<?xml"), String(svg.prefix(100)))
            XCTAssertTrue(svg.contains("width=\"\(expected.width)pt\" height=\"\(expected.height)pt\""), String(svg.prefix(300)))
            XCTAssertTrue(svg.contains("glyph"), "text is set in a font")
        }
        XCTAssertGreaterThan(AttentionPlot.size(characters: 4, frames: 6, heads: 2).height,
                             2 * AttentionPlot.size(characters: 4, frames: 6, heads: 1).height - 28 - 28 - 1)
    }
}
