import LASKit
import XCTest

final class JSONValueTests: XCTestCase {
    func testNumbersKeepTheirTextSoIntegersStayExact() throws {
        let value = try JSONValue.parse(#"[9007199254740993, 1.90, -0, 1e3]"#)
        XCTAssertEqual(value, .array([.number("9007199254740993"), .number("1.90"), .number("-0"), .number("1e3")]))
        guard case let .array(items) = value else { return XCTFail() }
        XCTAssertEqual(items[0].intValue, 9_007_199_254_740_993)
        XCTAssertNil(items[1].intValue)
        XCTAssertEqual(items[1].doubleValue, 1.9)
    }

    func testObjectsKeepMemberOrder() throws {
        guard case let .object(members) = try JSONValue.parse(#"{"b": 1, "a": true, "c": null}"#) else { return XCTFail() }
        XCTAssertEqual(members.map(\.key), ["b", "a", "c"])
        XCTAssertEqual(members.map(\.value), [.number("1"), .bool(true), .null])
    }

    func testDuplicateKeysAreRejected() {
        XCTAssertThrowsError(try JSONValue.parse(#"{"a": 1, "a": 2}"#)) { error in
            XCTAssertEqual(error as? JSONParseError, JSONParseError(offset: 9, reason: "duplicate key \"a\""))
        }
    }

    func testEscapesAndSurrogatePairsDecode() throws {
        XCTAssertEqual(try JSONValue.parse(#""a\"\\\/\n\u00e9\ud83d\ude00""#), .string("a\"\\/\né😀"))
    }

    func testQuotedTextParsesBackToTheSameString() throws {
        let text = "quote \" backslash \\ newline \n control \u{01} unicode é😀"
        XCTAssertEqual(try JSONValue.parse(JSONValue.quoted(text)), .string(text))
    }

    func testInvalidDocumentsAreRejected() {
        for text in ["", "{", "[1,]", "01", "1.", "-", "\"abc", "\"\\x\"", "\"\\ud800\"", "tru", "{\"a\" 1}", "[1] 2",
                     "\"tab\there\"", "{1: 2}"] {
            XCTAssertThrowsError(try JSONValue.parse(text), text)
        }
    }

    func testMergingLaysTheChangesOverTheObjectKeepingItsOrder() throws {
        let base = try JSONValue.parse(#"{"a": 1, "b": {"x": 1}, "c": 3}"#)
        let merged = base.merging(try JSONValue.parse(#"{"b": 2, "d": 4}"#))
        XCTAssertEqual(merged.jsonText, #"{"a":1,"b":2,"c":3,"d":4}"#)
    }

    func testEncodableValuesRoundTripThroughJSONValue() throws {
        var config = LASConfig()
        config.encoderLayers = 4
        config.listenerReductions = [1, 2, 2, 1]
        let value = try JSONValue(encoding: config)
        XCTAssertEqual(value["encoderLayers"], .number("4"))
        XCTAssertEqual(try value.decode(LASConfig.self), config)
    }

    func testNumbersFromDoublesAreValidJSON() throws {
        XCTAssertEqual(JSONValue.number(2.0).jsonText, "2")
        XCTAssertEqual(try JSONValue.parse(JSONValue.number(1e-5).jsonText).doubleValue, 1e-5)
        XCTAssertEqual(try JSONValue.parse(JSONValue.number(0.1).jsonText).doubleValue, 0.1)
        XCTAssertEqual(JSONValue.number(Double.nan), .null)
        XCTAssertEqual(JSONValue.number(-Double.infinity), .null)
    }
}
