import Foundation

/// Where the tool talks to people: results on stdout, diagnostics on stderr as `las: …`,
/// and a one-line progress display redrawn in place when stderr is a terminal.
final class Console {
    let isTerminal = isatty(STDERR_FILENO) != 0
    /// Prints nothing but errors: the console of a data-parallel rank other than 0.
    let quiet: Bool
    private var progressShown = false
    /// What starts every error line: `las: `, or `las (rank N): ` on a data-parallel rank N > 0.
    static var errorPrefix = "las: "

    init(quiet: Bool = false) { self.quiet = quiet }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data("\(errorPrefix)\(message)\n".utf8))
    }

    func line(_ message: String) {
        guard !quiet else { return }
        endProgress()
        print(message)
        fflush(stdout)
    }

    /// Redraws the progress line on a terminal; elsewhere prints nothing (plain lines come via `line`).
    func progress(_ message: String) {
        guard isTerminal && !quiet else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(message)".utf8))
        progressShown = true
    }

    func endProgress() {
        if progressShown {
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            progressShown = false
        }
    }
}

/// Set by SIGINT (Ctrl-C) so long work can stop at a safe point instead of dying mid-write.
final class InterruptFlag {
    private let lock = NSLock()
    private var set = false
    private let source: DispatchSourceSignal

    init() {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler { [weak self] in
            guard let self else { return }
            self.lock.lock(); self.set = true; self.lock.unlock()
            Console.error("interrupt: stopping after this step (Ctrl-C again to abort)")
            signal(SIGINT, SIG_DFL)
        }
        source.resume()
    }

    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return set }
}
