import XCTest
import LASKit

final class RankShareTests: XCTestCase {
    func testSharesTileEveryBatchOnceInOrderAndDifferByAtMostOne() {
        for ranks in 1...5 {
            for count in 0...23 {
                let ranges = (0..<ranks).map { RankShare(rank: $0, ranks: ranks).positions(count: count) }
                XCTAssertEqual(ranges.flatMap { Array($0) }, Array(0..<count), "\(count) over \(ranks) ranks")
                let sizes = ranges.map(\.count)
                XCTAssertLessThanOrEqual(sizes.max()! - sizes.min()!, 1, "\(count) over \(ranks) ranks: \(sizes)")
            }
        }
    }

    func testABatchSmallerThanTheRanksLeavesSomeRanksEmpty() {
        let sizes = (0..<4).map { RankShare(rank: $0, ranks: 4).positions(count: 2).count }
        XCTAssertEqual(sizes.reduce(0, +), 2)
        XCTAssertEqual(sizes.filter { $0 == 0 }.count, 2)
    }

    func testOneRankTakesTheWholeBatch() {
        XCTAssertEqual(RankShare(rank: 0, ranks: 1).positions(count: 16), 0..<16)
    }

    func testRoundRobinOwnershipGivesEachItemToExactlyOneRank() {
        for item in 0..<20 {
            XCTAssertEqual((0..<3).filter { RankShare(rank: $0, ranks: 3).owns(item) }, [item % 3])
        }
    }

    func testAProcessNotLaunchedByMPIIsAGroupOfOne() throws {
        XCTAssertFalse(ProcessGroup.isLaunchedByMPI(environment: ["PATH": "/usr/bin"]))
        XCTAssertTrue(ProcessGroup.isLaunchedByMPI(environment: ["OMPI_COMM_WORLD_SIZE": "2"]))
        XCTAssertTrue(ProcessGroup.isLaunchedByMPI(environment: ["PMIX_RANK": "0"]))
        let group = try ProcessGroup.join(collectiveTimeout: 1, environment: [:])
        XCTAssertEqual(group.rank, 0)
        XCTAssertEqual(group.size, 1)
        var values: [Float] = [1, 2, 3]
        try group.sum(&values, what: "a test sum")
        XCTAssertEqual(values, [1, 2, 3], "a group of one sums to the values themselves")
    }
}
