import Foundation
import XCTest

/// Launches the built `las` under Open MPI's mpirun on this machine (loopback, oversubscribed:
/// more ranks than the two cores is fine), with a deadline, for the data-parallel tests.
/// CI installs Open MPI (.ci/run), so a machine without mpirun fails these tests rather than
/// skipping them: a skipped test would hide that the feature went unchecked.
struct MPIRun {
    let process = Process()
    let stdout: URL, stderr: URL

    static func mpirun() throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent("mpirun")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        XCTFail("mpirun is not on PATH: install Open MPI (apt-get install openmpi-bin libopenmpi-dev) to run the data-parallel tests")
        throw CocoaError(.fileNoSuchFile)
    }

    /// Starts `las ARGUMENTS` on `ranks` processes; output goes to files in `directory`.
    init(ranks: Int, _ arguments: [String], directory: URL) throws {
        process.executableURL = try Self.mpirun()
        // Root may run mpirun only when asked twice (flag and variables), as CI does.
        process.arguments = ["--oversubscribe", "--allow-run-as-root", "-np", String(ranks),
                             LASProcess.executable.path] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        process.environment = environment
        stdout = directory.appendingPathComponent("mpirun-\(UUID().uuidString).out")
        stderr = directory.appendingPathComponent("mpirun-\(UUID().uuidString).err")
        for file in [stdout, stderr] { try Data().write(to: file) }
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        try process.run()
    }

    /// Waits at most `seconds` for the job to end; a job still running then is killed and fails the test.
    @discardableResult
    func wait(atMost seconds: Double, file: StaticString = #filePath, line: UInt = #line) -> LASProcess.Result {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning {
            XCTFail("mpirun still running after \(seconds) s: a rank hangs", file: file, line: line)
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        return LASProcess.Result(status: process.terminationStatus, stdout: read(stdout), stderr: read(stderr))
    }

    private func read(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }

    /// The process id of rank `rank` of this job: the `las` child of mpirun whose environment
    /// says OMPI_COMM_WORLD_RANK=rank (nil while it has not started).
    func pid(ofRank rank: Int) -> pid_t? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for entry in entries {
            guard let pid = pid_t(entry),
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // Fields after "(comm)": state, then the parent's pid.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 1, pid_t(fields[1]) == process.processIdentifier,
                  let environ = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { continue }
            let variables = environ.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if variables.contains("OMPI_COMM_WORLD_RANK=\(rank)") { return pid }
        }
        return nil
    }
}
