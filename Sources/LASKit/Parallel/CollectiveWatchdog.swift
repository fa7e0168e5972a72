import Foundation

/// Stops the whole job when a collective call hangs. MPI's default error handler already ends
/// the job when a rank's process dies and the launcher notices, but a rank that is alive and
/// stuck (a frozen machine, a network that drops packets, a peer looping) would leave every
/// other rank waiting in MPI_Allreduce forever. A thread watches the deadline of the call in
/// progress; past it, it names the call on stderr and exits this process with status 124,
/// and mpirun then ends the other ranks. (The watcher cannot call MPI itself: only the main
/// thread may, under MPI_THREAD_FUNNELED.)
final class CollectiveWatchdog {
    static let exitStatus: Int32 = 124
    let rank: Int
    let timeout: Double
    private let lock = NSLock()
    private var deadline: Date?
    private var what = ""

    init(rank: Int, timeout: Double) {
        self.rank = rank
        self.timeout = timeout
        // The thread holds the watchdog for the life of the process, whoever else lets go of it.
        let thread = Thread { self.watch() }
        thread.name = "las collective watchdog"
        thread.start()
    }

    /// Runs `call` with the deadline armed.
    func guarding<T>(_ what: String, _ call: () -> T) -> T {
        lock.lock(); deadline = Date().addingTimeInterval(timeout); self.what = what; lock.unlock()
        defer { lock.lock(); deadline = nil; lock.unlock() }
        return call()
    }

    private func watch() {
        while true {
            // A tenth of the timeout (at most 1 s) between looks bounds how late the stop comes.
            Thread.sleep(forTimeInterval: min(1, timeout / 10))
            lock.lock()
            let expired = deadline.map { Date() > $0 } ?? false, call = what
            lock.unlock()
            if expired {
                let message = String(format: "las: rank %d: %@ did not complete within %.0f s (another rank died or hangs); stopping the job\n",
                                     rank, call, timeout)
                FileHandle.standardError.write(Data(message.utf8))
                _exit(Self.exitStatus)
            }
        }
    }
}
