import XCTest

final class HelpTests: XCTestCase {
    func testHelpListsSubcommandsAndExitsZero() throws {
        let result = try LASProcess.run(["--help"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stdout.contains("USAGE: las <subcommand>"), result.stdout)
        XCTAssertTrue(result.stdout.contains("bench"), result.stdout)
    }

    func testUnknownSubcommandFailsWithNonZeroStatus() throws {
        let result = try LASProcess.run(["no-such-command"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertFalse(result.stderr.isEmpty)
    }
}
