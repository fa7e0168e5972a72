import CMPILoader
import Foundation

/// The processes that train one model together: this process's rank and how many there are,
/// and the one collective data-parallel training needs, an element-wise sum that leaves the
/// same result on every rank. A process not launched by mpirun is a group of one, whose sums
/// are the values themselves, and never loads Open MPI.
public final class ProcessGroup {
    public let rank: Int
    public let size: Int
    /// Ends the job if a collective call does not return in time (nil in a group of one).
    let watchdog: CollectiveWatchdog?

    /// A single process: rank 0 of 1.
    public static let single = ProcessGroup(rank: 0, size: 1, watchdog: nil)

    init(rank: Int, size: Int, watchdog: CollectiveWatchdog?) {
        self.rank = rank; self.size = size; self.watchdog = watchdog
    }

    /// Rank 0 alone writes files and talks to the user.
    public var isCoordinator: Bool { rank == 0 }
    /// Which part of every global batch this rank computes.
    public var share: RankShare { RankShare(rank: rank, ranks: size) }

    /// Whether mpirun (or another PMIx launcher, such as Slurm's srun --mpi=pmix) started this
    /// process: it sets these variables before the program runs.
    public static func isLaunchedByMPI(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        environment["OMPI_COMM_WORLD_SIZE"] != nil || environment["PMIX_RANK"] != nil
    }

    /// Joins the job mpirun started (loading libmpi), or returns `single` when there is none.
    /// `collectiveTimeout`: seconds a sum may take before the watchdog stops the whole job.
    public static func join(collectiveTimeout: Double,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ProcessGroup {
        guard isLaunchedByMPI(environment: environment) else { return .single }
        var message = [CChar](repeating: 0, count: 512)
        guard las_mpi_load(&message, message.count) == 0 else {
            throw ProcessGroupError.cannotLoad(String(cString: message))
        }
        var rank: Int32 = 0, size: Int32 = 0
        let status = las_mpi_init(&rank, &size)
        guard status == 0 else { throw ProcessGroupError.failed(call: "MPI_Init_thread", code: status) }
        return ProcessGroup(rank: Int(rank), size: Int(size),
                            watchdog: CollectiveWatchdog(rank: Int(rank), timeout: collectiveTimeout))
    }

    /// Replaces `values` on every rank by their element-wise sum over all ranks.
    public func sum(_ values: inout [Float], what: String) throws {
        try allreduce(&values, what: what, las_mpi_allreduce_sum_float)
    }

    public func sum(_ values: inout [Double], what: String) throws {
        try allreduce(&values, what: what, las_mpi_allreduce_sum_double)
    }

    /// One MPI_Allreduce (sum) of `values` through the C shim's call for their element type,
    /// under the watchdog.
    private func allreduce<T>(_ values: inout [T], what: String,
                              _ call: (UnsafeMutablePointer<T>?, Int32) -> Int32) throws {
        guard size > 1 else { return }
        guard values.count <= Int(Int32.max) else { throw ProcessGroupError.tooLarge(count: values.count) }
        let status = watchdog!.guarding(what) {
            values.withUnsafeMutableBufferPointer { call($0.baseAddress, Int32($0.count)) }
        }
        guard status == 0 else { throw ProcessGroupError.failed(call: "MPI_Allreduce (\(what))", code: status) }
    }

    /// Leaves the job cleanly: every rank calls this once, after its last sum.
    public func finish() {
        guard size > 1 else { return }
        _ = watchdog!.guarding("MPI_Finalize") { las_mpi_finalize() }
    }

    /// Ends every process of the job (this one alone in a group of one) with exit status `code`,
    /// for a failure on this rank that the others cannot see.
    public func abort(code: Int32) -> Never {
        if size > 1 { las_mpi_abort(code) }
        exit(code)
    }
}

public enum ProcessGroupError: Error, CustomStringConvertible {
    case cannotLoad(String)
    case failed(call: String, code: Int32)
    case tooLarge(count: Int)

    public var description: String {
        switch self {
        case let .cannotLoad(message): return message
        case let .failed(call, code): return "\(call) failed with MPI error \(code)"
        case let .tooLarge(count): return "cannot sum \(count) values in one MPI call (at most \(Int32.max))"
        }
    }
}
