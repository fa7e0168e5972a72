import Foundation
import XCTest
import LASKit

final class TrainingCurvesTests: XCTestCase {
    func temporaryDirectory() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("las-curves-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }

    /// Epoch lines are read by epoch among step and options lines; a repeated epoch (a resumed
    /// run) keeps its last line; both files come out of cairo at the plot's size.
    func testEpochLinesOfALogAreDrawnAsPNGAndSVG() throws {
        let dir = temporaryDirectory()
        let log = (dir as NSString).appendingPathComponent("train-log.jsonl")
        try """
        {"type":"options","options":{}}
        {"type":"step","epoch":1,"step":10,"loss":3.2,"learning_rate":0.001,"utterances_per_second":5,"gradient_norm":2}
        {"type":"epoch","epoch":1,"step":20,"train_loss":3.0,"dev_loss":2.9,"dev_wer":1.0,"dev_cer":0.8,"seconds":60,"best":true}
        {"type":"epoch","epoch":2,"step":40,"train_loss":9.0,"dev_loss":9.0,"dev_wer":1.0,"dev_cer":1.0,"seconds":60,"best":false}
        {"type":"epoch","epoch":2,"step":40,"train_loss":2.0,"dev_loss":2.2,"dev_wer":0.6,"dev_cer":0.3,"seconds":60,"best":true}
        {"type":"epoch","epoch":3,"step":60,"train_loss":1.5,"dev_loss":1.9,"dev_wer":0.4,"dev_cer":0.2,"seconds":60,"best":true}

        """.write(toFile: log, atomically: true, encoding: .utf8)
        let epochs = try TrainingCurves.epochs(fromLog: log)
        XCTAssertEqual(epochs.map(\.epoch), [1, 2, 3])
        XCTAssertEqual(epochs[1], TrainingCurves.Epoch(epoch: 2, trainLoss: 2.0, devLoss: 2.2, devWER: 0.6, devCER: 0.3))
        let written = try TrainingCurves.write(fromLog: log, into: dir)
        XCTAssertEqual(written.map { ($0 as NSString).lastPathComponent }, ["curves.png", "curves.svg"])
        let png = [UInt8](try Data(contentsOf: URL(fileURLWithPath: written[0])))
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let be32 = { (o: Int) in png[o..<(o + 4)].reduce(0) { $0 << 8 | Int($1) } }
        XCTAssertEqual(be32(16), TrainingCurves.width)
        XCTAssertEqual(be32(20), TrainingCurves.height)
        let svg = try String(contentsOfFile: written[1], encoding: .utf8)
        XCTAssertTrue(svg.hasPrefix("<?xml") && svg.contains("width=\"\(TrainingCurves.width)pt\""), String(svg.prefix(300)))
    }

    func testALogWithoutEpochsOrWithABrokenLineIsNamed() throws {
        let dir = temporaryDirectory()
        let log = (dir as NSString).appendingPathComponent("train-log.jsonl")
        try "{\"type\":\"options\",\"options\":{}}\n".write(toFile: log, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TrainingCurves.write(fromLog: log, into: dir)) { error in
            XCTAssertEqual("\(error)", "\(log): no epoch lines to plot yet")
        }
        try "{\"type\":\"epoch\",\"epoch\":1}\n".write(toFile: log, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TrainingCurves.epochs(fromLog: log)) { error in
            XCTAssertEqual("\(error)", "\(log):1: an epoch line needs epoch, train_loss, dev_loss, dev_wer and dev_cer")
        }
    }

    func testAMissingLogIsNamedWithTheSystemsReason() {
        let log = (temporaryDirectory() as NSString).appendingPathComponent("missing.jsonl")
        XCTAssertThrowsError(try TrainingCurves.epochs(fromLog: log)) { error in
            XCTAssertEqual("\(error)", "\(log): cannot read the training log (No such file or directory)")
        }
    }
}
