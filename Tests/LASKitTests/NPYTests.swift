import Foundation
import LASKit
import XCTest

final class NPYTests: XCTestCase {
    func testWrittenFileReadsBackIdentically() throws {
        let path = try makeTemporaryDirectory(self).appendingPathComponent("f.npy").path
        let features = FeatureMatrix(frames: 3, bins: 2, values: [1, -2.5, .pi, 0, -15.942385, 1e-30])
        try NPYWriter.write(features, to: path)
        XCTAssertEqual(try NPYReader.read(path), features)
    }

    func testHeaderIsNumPyVersionOneFloat32RowMajorAlignedTo64Bytes() {
        let bytes = NPYWriter.encode(FeatureMatrix(frames: 7, bins: 80))
        XCTAssertEqual(Array(bytes[0..<8]), [0x93] + Array("NUMPY".utf8) + [1, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        XCTAssertEqual((10 + headerLength) % 64, 0)
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        XCTAssertTrue(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (7, 80), }"), header)
        XCTAssertTrue(header.hasSuffix("\n"))
        XCTAssertEqual(bytes.count, 10 + headerLength + 7 * 80 * 4)
    }

    func testDataIsLittleEndianFloat32() {
        let bytes = NPYWriter.encode(FeatureMatrix(frames: 1, bins: 1, values: [1]))
        XCTAssertEqual(Array(bytes.suffix(4)), [0x00, 0x00, 0x80, 0x3F])
    }

    func testWriteReplacesAnExistingFileAndLeavesNoTemporaryFile() throws {
        let folder = try makeTemporaryDirectory(self)
        let path = folder.appendingPathComponent("f.npy").path
        try NPYWriter.write(FeatureMatrix(frames: 5, bins: 5), to: path)
        try NPYWriter.write(FeatureMatrix(frames: 1, bins: 2, values: [3, 4]), to: path)
        XCTAssertEqual(try NPYReader.read(path), FeatureMatrix(frames: 1, bins: 2, values: [3, 4]))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["f.npy"])
    }

    func testWritingIntoAMissingFolderIsAnErrorNamingTheFile() throws {
        let path = try makeTemporaryDirectory(self).appendingPathComponent("no/such/folder/f.npy").path
        XCTAssertThrowsError(try NPYWriter.write(FeatureMatrix(frames: 1, bins: 1), to: path)) { error in
            XCTAssertTrue("\(error)".hasPrefix(path + ": "), "\(error)")
            XCTAssertFalse("\(error)".contains("\n"))
        }
    }

    func testReaderRejectsOtherFiles() throws {
        XCTAssertThrowsError(try NPYReader.decode(Array("not numpy".utf8)))
        var float64 = NPYWriter.encode(FeatureMatrix(frames: 1, bins: 2))
        float64[10 + 11] = UInt8(ascii: "8")  // '<f4' → '<f8'
        XCTAssertThrowsError(try NPYReader.decode(float64))
        XCTAssertThrowsError(try NPYReader.decode(Array(NPYWriter.encode(FeatureMatrix(frames: 2, bins: 2)).dropLast())))
    }

    func testAMissingFileIsNamedWithTheSystemsReason() throws {
        let path = try makeTemporaryDirectory(self).appendingPathComponent("missing.npy").path
        XCTAssertThrowsError(try NPYReader.read(path)) { error in
            XCTAssertEqual("\(error)", "\(path): cannot read (No such file or directory)")
        }
    }
}
