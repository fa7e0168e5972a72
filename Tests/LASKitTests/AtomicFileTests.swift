import Foundation
import LASKit
import XCTest

final class AtomicFileTests: XCTestCase {
    func testWriteCreatesTheFileWithExactlyTheBytesAndNoTemporaryFile() throws {
        let folder = NSTemporaryDirectory() + "las-atomic-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let bytes = Data((0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        try AtomicFile.write(Data("old".utf8), to: folder + "/out.bin")
        try AtomicFile.write(bytes, to: folder + "/out.bin")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: folder + "/out.bin")), bytes)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["out.bin"])
    }

    func testWriteIntoAMissingFolderFailsWithOneLineNamingThePath() {
        let path = "/nonexistent-las-folder/out.bin"
        XCTAssertThrowsError(try AtomicFile.write(Data([1]), to: path)) { error in
            XCTAssertTrue(error is AtomicFileError)
            XCTAssertTrue("\(error)".hasPrefix(path + ": cannot write ("), "\(error)")
            XCTAssertFalse("\(error)".contains("\n"))
        }
    }

    func testAFailedReplacementKeepsTheOldFileAndLeavesNoTemporaryFile() throws {
        struct ProducerFailed: Error {}
        let folder = NSTemporaryDirectory() + "las-atomic-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try AtomicFile.write(Data("old".utf8), to: folder + "/out.wav")
        XCTAssertThrowsError(try AtomicFile.replace(folder + "/out.wav") { temporary in
            try Data("half".utf8).write(to: URL(fileURLWithPath: temporary))
            throw ProducerFailed()
        }) { XCTAssertTrue($0 is ProducerFailed) }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: folder + "/out.wav")), Data("old".utf8))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["out.wav"])
    }
}
