import Foundation
import LASKit
import XCTest

/// `las` runs OpenBLAS's widest kernels the CPU has, even where OpenBLAS's own detection does not
/// know the CPU (`BLASKernels`), and never overrides a user's `OPENBLAS_CORETYPE`.
final class BLASKernelsTests: XCTestCase {
    /// The kernel families OpenBLAS reports, one "Core: NAME" line per process image
    /// (`OPENBLAS_VERBOSE=2`), and what `las --version` printed.
    private func coreLines(coreType: String?) throws -> (cores: [String], result: LASProcess.Result) {
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_CORETYPE"] = coreType
        environment["OPENBLAS_VERBOSE"] = "2"
        let result = try LASProcess.run(["--version"], environment: environment)
        let cores = result.stderr.split(separator: "\n").compactMap { line in
            line.hasPrefix("Core: ") ? String(line.dropFirst("Core: ".count)) : nil
        }
        return (cores, result)
    }

    func testTheCommandRunsKernelsAsWideAsTheCPUHas() throws {
        let (cores, result) = try coreLines(coreType: nil)
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(result.stdout, LASKit.version + "\n")
        let running = try XCTUnwrap(cores.last, result.stderr)
        let best = BLASKernels.bestForCPU ?? running
        XCTAssertGreaterThanOrEqual(BLASKernels.vectorRank(running), BLASKernels.vectorRank(best),
                                    "OpenBLAS runs \(running) kernels on a CPU that has \(best)")
        XCTAssertLessThanOrEqual(cores.count, 2, "re-executed more than once: \(cores)")
    }

    func testAUsersCoreTypeIsKept() throws {
        let (cores, result) = try coreLines(coreType: "Prescott")
        XCTAssertEqual(result.status, 0)
        XCTAssertEqual(cores, ["Prescott"])
    }

    func testVectorRankOrdersTheFamiliesByVectorWidth() {
        XCTAssertEqual(BLASKernels.vectorRank("Prescott"), 1)
        XCTAssertEqual(BLASKernels.vectorRank("Haswell"), 2)
        XCTAssertEqual(BLASKernels.vectorRank("Zen"), 2)
        XCTAssertEqual(BLASKernels.vectorRank("SkylakeX"), 3)
        XCTAssertEqual(BLASKernels.vectorRank("Cooperlake"), 3)
    }
}
