import Foundation
import LASKit
import XCTest

final class SafetensorsTests: XCTestCase {
    // MARK: - Helpers

    private var folder: String!

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "las-safetensors-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private static var fixtures: String {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.path + "/safetensors"
    }

    /// The content of tools/make_safetensors_fixture.py's REFERENCE_TENSORS and METADATA.
    private static let reference: [(name: String, dtype: SafetensorsDType, shape: [Int], value: (Int) -> Double)] = [
        ("encoder.weight", .f32, [3, 4], { Double($0 - 5) * 0.375 }),
        ("encoder.bias", .f32, [4], { Double(($0 * 7) % 13 - 6) / 3.0 }),
        ("decoder.embedding", .f16, [2, 3, 2], { Double($0 - 6) / 7.0 }),
        ("decoder.scale", .f32, [], { _ in 42.5 }),
        ("decoder.unused", .f32, [0, 3], { _ in 0 }),
    ]
    private static let referenceMetadata = ["format": "las-fixture", "note": "ünïcode ✓ \"quoted\" \\ back",
                                            "sample_rate": "16000"]

    private static func referenceFile() -> Safetensors {
        var tensors: [String: SafetensorsTensor] = [:]
        for r in reference {
            let count = r.shape.reduce(1, *)
            tensors[r.name] = SafetensorsTensor(shape: r.shape, values: (0..<count).map { Float(r.value($0)) }, dtype: r.dtype)
        }
        return Safetensors(tensors: tensors, metadata: referenceMetadata)
    }

    /// A file from a literal header and data bytes, with the 8-byte length prefix.
    private func file(header: String, data: [UInt8]) -> Data {
        let headerBytes = Array(header.utf8)
        var bytes = withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { Array($0) }
        bytes += headerBytes + data
        return Data(bytes)
    }

    private func floatBytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }
    }

    /// Asserts decoding throws a SafetensorsError that `matches`, described in one line starting with the path.
    private func assertRejects(_ bytes: Data, _ matches: (SafetensorsError) -> Bool,
                               file: StaticString = #filePath, line: UInt = #line) {
        let path = "models/damaged.safetensors"
        XCTAssertThrowsError(try Safetensors.decode(bytes, path: path), file: file, line: line) { error in
            guard let error = error as? SafetensorsError else {
                return XCTFail("not a SafetensorsError: \(error)", file: file, line: line)
            }
            XCTAssertTrue(matches(error), "unexpected error: \(error)", file: file, line: line)
            XCTAssertTrue(error.description.hasPrefix(path + ": "), error.description, file: file, line: line)
            XCTAssertFalse(error.description.contains("\n"), error.description, file: file, line: line)
        }
    }

    private func assertValidLoad(_ loaded: Safetensors, file: StaticString = #filePath, line: UInt = #line) {
        for (name, tensor) in loaded.tensors {
            XCTAssertEqual(tensor.values.count, tensor.shape.reduce(1, *), name, file: file, line: line)
            XCTAssertTrue(tensor.values.allSatisfy(\.isFinite), name, file: file, line: line)
        }
    }

    // MARK: - Writing and reading back

    func testRoundTripPreservesF32ValuesExactly() throws {
        var rng = SplitMix64(seed: 7)
        let values = (0..<24).map { _ in Float(rng.nextNormal() * 1e3) }
        let original = Safetensors(tensors: ["w": SafetensorsTensor(shape: [2, 3, 4], values: values)])
        let path = folder + "/model.safetensors"
        try original.write(to: path)
        let loaded = try Safetensors.read(path)
        XCTAssertEqual(loaded, original)
        XCTAssertEqual(loaded.tensors["w"]?.dtype, .f32)
    }

    func testRoundTripAsF16RoundsEachValueToNearestEven() throws {
        // 1 + 2⁻¹¹ lies halfway between 1 and 1 + 2⁻¹⁰: ties go to the even significand (1).
        // 1 + 3·2⁻¹¹ lies halfway between 1 + 2⁻¹⁰ (odd) and 1 + 2⁻⁹ (even): rounds up.
        let values: [Float] = [1 + 0x1p-11, 1 + 3 * 0x1p-11, 0.1, -2.75, 65504, 1e-8, 6e-5]
        let expected: [Float] = [1, 1 + 0x1p-9, Float(Float16(0.1 as Float)), -2.75, 65504, 0, Float(Float16(6e-5 as Float))]
        let path = folder + "/half.safetensors"
        try Safetensors(tensors: ["h": SafetensorsTensor(shape: [7], values: values)]).write(to: path, storingAs: .f16)
        let loaded = try XCTUnwrap(try Safetensors.read(path).tensors["h"])
        XCTAssertEqual(loaded.dtype, .f16)
        XCTAssertEqual(loaded.values, expected)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)).count % 2, 0)
    }

    func testEachTensorKeepsItsOwnDTypeUnlessOverridden() throws {
        let original = Safetensors(tensors: ["a": SafetensorsTensor(shape: [2], values: [0.5, 1.5], dtype: .f16),
                                             "b": SafetensorsTensor(shape: [1], values: [0.25], dtype: .f32)])
        let mixed = try Safetensors.decode(try original.encoded(), path: "mixed")
        XCTAssertEqual(mixed.tensors["a"]?.dtype, .f16)
        XCTAssertEqual(mixed.tensors["b"]?.dtype, .f32)
        let allF32 = try Safetensors.decode(try original.encoded(storingAs: .f32), path: "f32")
        XCTAssertEqual(allF32.tensors["a"]?.dtype, .f32)
        XCTAssertEqual(allF32.tensors["a"]?.values, [0.5, 1.5])
    }

    func testMetadataRoundTripsIncludingEscapesAndUnicode() throws {
        let metadata = ["normalizer": #"{"caseFolding":"upper","keptCharacters":"' AB"}"#,
                        "multi\nline": "tab\there \u{01} ✓ é 😀", "": "empty key"]
        let original = Safetensors(tensors: ["x": SafetensorsTensor(shape: [], values: [3])], metadata: metadata)
        let loaded = try Safetensors.decode(try original.encoded(), path: "meta")
        XCTAssertEqual(loaded.metadata, metadata)
    }

    func testFileWithNoTensorsRoundTrips() throws {
        let original = Safetensors(metadata: ["only": "metadata"])
        XCTAssertEqual(try Safetensors.decode(try original.encoded(), path: "empty"), original)
    }

    func testWriterSortsTensorsByNameContiguouslyAfterAnAlignedHeader() throws {
        let tensors = ["b": SafetensorsTensor(shape: [3], values: [1, 2, 3]),
                       "a": SafetensorsTensor(shape: [1], values: [4], dtype: .f16),
                       "c": SafetensorsTensor(shape: [0], values: [])]
        let bytes = try Safetensors(tensors: tensors).encoded()
        let headerLength = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        XCTAssertEqual((8 + headerLength) % 8, 0)
        let header = try JSONValue.parse(bytes[8..<(8 + headerLength)])
        guard case let .object(members) = header else { return XCTFail("header is not an object") }
        XCTAssertEqual(members.map(\.key), ["a", "b", "c"])
        let offsets = members.map { $0.value["data_offsets"] }
        XCTAssertEqual(offsets, [.array([.number("0"), .number("2")]), .array([.number("2"), .number("14")]),
                                 .array([.number("14"), .number("14")])])
        XCTAssertEqual(bytes.count, 8 + headerLength + 14)
    }

    func testWriteReplacesAnExistingFileAndLeavesNoTemporaryFiles() throws {
        let path = folder + "/model.safetensors"
        try Safetensors(tensors: ["x": SafetensorsTensor(shape: [1], values: [1])]).write(to: path)
        try Safetensors(tensors: ["x": SafetensorsTensor(shape: [1], values: [2])]).write(to: path)
        XCTAssertEqual(try Safetensors.read(path).tensors["x"]?.values, [2])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["model.safetensors"])
    }

    func testWriteIntoMissingFolderFailsNamingThePath() {
        let path = folder + "/no/such/folder/model.safetensors"
        XCTAssertThrowsError(try Safetensors(tensors: [:]).write(to: path)) { error in
            XCTAssertTrue("\(error)".hasPrefix(path + ": "), "\(error)")
        }
    }

    func testWriteRejectsShapeThatDisagreesWithValueCount() {
        let bad = Safetensors(tensors: ["w": SafetensorsTensor(shape: [2, 3], values: [1, 2, 3, 4, 5])])
        XCTAssertThrowsError(try bad.write(to: folder + "/bad.safetensors")) { error in
            guard case .invalidTensor(_, "w", _)? = error as? SafetensorsError else { return XCTFail("\(error)") }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/bad.safetensors"))
    }

    func testWriteRejectsNonFiniteValuesNamingTheTensor() {
        let bad = Safetensors(tensors: ["w": SafetensorsTensor(shape: [3], values: [0, .nan, 1])])
        XCTAssertThrowsError(try bad.encoded()) { error in
            XCTAssertEqual(error as? SafetensorsError,
                           .nonFiniteValue(path: "(safetensors in memory)", tensor: "w", index: 1, value: "NaN"))
        }
    }

    func testWriteAsF16RejectsValuesThatWouldOverflow() {
        let bad = Safetensors(tensors: ["w": SafetensorsTensor(shape: [2], values: [65504, 65520])])
        XCTAssertNoThrow(try bad.encoded(storingAs: .f32))
        XCTAssertThrowsError(try bad.encoded(storingAs: .f16)) { error in
            guard case .valueOutOfF16Range(_, "w", 1, 65520)? = error as? SafetensorsError else { return XCTFail("\(error)") }
        }
    }

    func testWriteRejectsTheReservedMetadataName() {
        let bad = Safetensors(tensors: ["__metadata__": SafetensorsTensor(shape: [], values: [1])])
        XCTAssertThrowsError(try bad.encoded()) { error in
            guard case .invalidTensor(_, "__metadata__", _)? = error as? SafetensorsError else { return XCTFail("\(error)") }
        }
    }

    // MARK: - Interoperability with the Python safetensors package

    func testReadsFileWrittenByPythonSafetensors() throws {
        let loaded = try Safetensors.read(Self.fixtures + "/python_mixed.safetensors")
        XCTAssertEqual(loaded.metadata, Self.referenceMetadata)
        XCTAssertEqual(Set(loaded.tensors.keys), Set(Self.reference.map(\.name)))
        for r in Self.reference {
            let tensor = try XCTUnwrap(loaded.tensors[r.name])
            XCTAssertEqual(tensor.dtype, r.dtype, r.name)
            XCTAssertEqual(tensor.shape, r.shape, r.name)
            // numpy rounds once, Double -> F32 or Double -> F16.
            let expected = (0..<r.shape.reduce(1, *)).map { i -> Float in
                r.dtype == .f16 ? Float(Float16(r.value(i))) : Float(r.value(i))
            }
            XCTAssertEqual(tensor.values, expected, r.name)
        }
    }

    /// swift_written.safetensors was checked with `safetensors.safe_open` by
    /// `tools/make_safetensors_fixture.py --verify`; this keeps the writer producing exactly those bytes.
    func testWriterOutputMatchesCommittedSwiftFixture() throws {
        let committed = FileManager.default.contents(atPath: Self.fixtures + "/swift_written.safetensors")
        let written = try Self.referenceFile().encoded()
        guard written == committed else {
            let actual = NSTemporaryDirectory() + "swift_written.safetensors"
            try written.write(to: URL(fileURLWithPath: actual))
            return XCTFail("writer output differs from the committed fixture; new output left at \(actual)")
        }
        // Reading back gives the stored values: F16 tensors rounded once, Float -> half.
        var expected = Self.referenceFile()
        for (name, tensor) in expected.tensors where tensor.dtype == .f16 {
            expected.tensors[name]!.values = tensor.values.map { Float(Float16($0)) }
        }
        XCTAssertEqual(try Safetensors.decode(written, path: "swift_written"), expected)
    }

    // MARK: - Damaged files

    func testMissingFileIsReportedAsUnreadable() {
        let path = folder + "/absent.safetensors"
        XCTAssertThrowsError(try Safetensors.read(path)) { error in
            XCTAssertEqual(error as? SafetensorsError, .unreadable(path: path, reason: "No such file or directory"))
        }
    }

    func testFileShorterThanTheLengthPrefixIsRejected() {
        assertRejects(Data([1, 0, 0])) { $0 == .tooShort(path: "models/damaged.safetensors", byteCount: 3) }
    }

    func testHeaderLengthBeyondTheFileIsRejected() {
        var bytes = file(header: "{}", data: [])
        bytes[0] = 200
        assertRejects(bytes) { if case .headerBeyondFile(_, 200, 10) = $0 { return true } else { return false } }
    }

    func testAbsurdHeaderLengthIsRejected() {
        let bytes = Data([0, 0, 0, 0, 1, 0, 0, 0] + Array("{}".utf8))
        assertRejects(bytes) { if case .headerTooLarge(_, 1 << 32) = $0 { return true } else { return false } }
    }

    func testHeaderThatIsNotJSONIsRejected() {
        assertRejects(file(header: #"{"w": {"dtype": "F32",}"#, data: [])) {
            if case .headerNotJSON = $0 { return true } else { return false }
        }
    }

    func testHeaderWithInvalidUTF8IsRejected() {
        var bytes = file(header: #"{"wé": {"dtype": "F32", "shape": [], "data_offsets": [0, 4]}}"#, data: floatBytes([1]))
        bytes[8 + 3] = 0xFF
        assertRejects(bytes) { if case .headerNotJSON = $0 { return true } else { return false } }
    }

    func testHeaderThatIsNotAnObjectIsRejected() {
        assertRejects(file(header: "[1, 2]", data: [])) {
            $0 == .headerNotObject(path: "models/damaged.safetensors", kind: "an array")
        }
    }

    func testMetadataWithNonStringValuesIsRejected() {
        assertRejects(file(header: #"{"__metadata__": {"epoch": 3}}"#, data: [])) {
            if case .invalidMetadata = $0 { return true } else { return false }
        }
    }

    func testUnknownDTypeIsRejected() {
        assertRejects(file(header: #"{"w": {"dtype": "BF16", "shape": [2], "data_offsets": [0, 4]}}"#, data: [0, 0, 0, 0])) {
            $0 == .unknownDType(path: "models/damaged.safetensors", tensor: "w", dtype: "BF16")
        }
    }

    func testEntryWithoutShapeIsRejected() {
        assertRejects(file(header: #"{"w": {"dtype": "F32", "data_offsets": [0, 4]}}"#, data: floatBytes([1]))) {
            if case .invalidEntry(_, "w", _) = $0 { return true } else { return false }
        }
    }

    func testNegativeOrFractionalShapeIsRejected() {
        for shape in ["[-1]", "[1.5]", "[true]"] {
            assertRejects(file(header: #"{"w": {"dtype": "F32", "shape": \#(shape), "data_offsets": [0, 4]}}"#,
                               data: floatBytes([1]))) {
                if case .invalidEntry(_, "w", _) = $0 { return true } else { return false }
            }
        }
    }

    func testShapeThatDisagreesWithOffsetsSpanIsRejected() {
        assertRejects(file(header: #"{"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}"#, data: floatBytes([1, 2]))) {
            $0 == .sizeMismatch(path: "models/damaged.safetensors", tensor: "w", expectedBytes: 12, spanBytes: 8)
        }
    }

    func testOffsetsBeyondTheDataAreaAreRejected() {
        assertRejects(file(header: #"{"w": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}"#, data: floatBytes([1, 2]))) {
            $0 == .offsetsOutOfBounds(path: "models/damaged.safetensors", tensor: "w", begin: 4, end: 12, dataSize: 8)
        }
    }

    func testReversedOffsetsAreRejected() {
        assertRejects(file(header: #"{"w": {"dtype": "F32", "shape": [0], "data_offsets": [4, 0]}}"#, data: floatBytes([1]))) {
            if case .offsetsOutOfBounds(_, "w", 4, 0, _) = $0 { return true } else { return false }
        }
    }

    func testOverlappingOffsetsAreRejected() {
        let header = #"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "#
            + #""b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}"#
        assertRejects(file(header: header, data: floatBytes([1, 2, 3]))) {
            $0 == .offsetsOverlap(path: "models/damaged.safetensors", tensor: "b", otherTensor: "a")
        }
    }

    func testGapBetweenTensorsIsRejected() {
        let header = #"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "#
            + #""b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}}"#
        assertRejects(file(header: header, data: floatBytes([1, 2, 3]))) {
            $0 == .dataNotCovered(path: "models/damaged.safetensors", begin: 4, end: 8)
        }
    }

    func testTrailingBytesAfterTheLastTensorAreRejected() {
        assertRejects(file(header: #"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}"#, data: floatBytes([1, 2]))) {
            $0 == .dataNotCovered(path: "models/damaged.safetensors", begin: 4, end: 8)
        }
    }

    func testNaNInF32TensorIsRejectedNamingTheTensor() {
        assertRejects(file(header: #"{"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 12]}}"#,
                           data: floatBytes([1, .nan, 2]))) {
            $0 == .nonFiniteValue(path: "models/damaged.safetensors", tensor: "w", index: 1, value: "NaN")
        }
    }

    func testInfinityInF16TensorIsRejectedNamingTheTensor() {
        // 0xFC00 is -Inf in binary16.
        assertRejects(file(header: #"{"h": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]}}"#, data: [0x00, 0x3C, 0x00, 0xFC])) {
            $0 == .nonFiniteValue(path: "models/damaged.safetensors", tensor: "h", index: 1, value: "-Inf")
        }
    }

    // MARK: - Corruption never crashes

    func testTruncationAtEveryPositionIsRejected() throws {
        let valid = try Self.referenceFile().encoded(storingAs: nil)
        for length in 0..<valid.count {
            XCTAssertThrowsError(try Safetensors.decode(valid.prefix(length), path: "truncated"), "length \(length)")
        }
    }

    func testFlippedBitsAnywhereGiveAnErrorOrValidTensors() throws {
        let valid = try Self.referenceFile().encoded()
        var loads = 0, errors = 0
        for position in 0..<valid.count {
            for mask: UInt8 in [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xFF] {
                var damaged = valid
                damaged[position] ^= mask
                do {
                    assertValidLoad(try Safetensors.decode(damaged, path: "flipped"))
                    loads += 1
                } catch is SafetensorsError {
                    errors += 1
                }
            }
        }
        XCTAssertGreaterThan(errors, 0)
        XCTAssertGreaterThan(loads, 0)  // flips inside tensor data usually leave valid numbers
    }

    func testRandomBytesOverwritingTheHeaderGiveAnErrorOrValidTensors() throws {
        let valid = try Self.referenceFile().encoded()
        var rng = SplitMix64(seed: 2024)
        for _ in 0..<3000 {
            var damaged = valid
            for _ in 0..<(1 + Int(rng.next() % 4)) {
                let position = Int(rng.next() % UInt64(min(valid.count, 200)))
                damaged[position] = UInt8(truncatingIfNeeded: rng.next())
            }
            if rng.next() % 3 == 0 { damaged = damaged.prefix(Int(rng.next() % UInt64(damaged.count + 1))) }
            do {
                assertValidLoad(try Safetensors.decode(damaged, path: "random"))
            } catch {
                XCTAssertTrue(error is SafetensorsError, "\(error)")
            }
        }
    }

    func testDeeplyNestedHeaderIsRejectedWithoutExhaustingTheStack() {
        assertRejects(file(header: String(repeating: "[", count: 100_000), data: [])) {
            if case .headerNotJSON = $0 { return true } else { return false }
        }
    }
}
