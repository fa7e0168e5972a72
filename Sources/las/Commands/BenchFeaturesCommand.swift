import ArgumentParser
import Foundation
import LASKit

struct BenchFeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Time log-mel feature extraction on one thread; prints one JSON line.",
        discussion: """
        Decodes every FILE first (not timed), then computes the default features of all of them \
        with one LogMelFilterbank, over and over until at least --min-seconds have passed. \
        audio_seconds_per_second is seconds of audio turned into features per second of wall time \
        (the real-time factor's inverse).
        """
    )

    @Argument(help: ArgumentHelp("Audio files to benchmark on.", valueName: "file"))
    var files: [String]

    @Option(name: .customLong("min-seconds"), help: "Time at least this long.")
    var minSeconds: Double = 2

    struct Report: Encodable {
        let benchmark = "features"
        let implementation = "las"
        let files: Int
        let audio_seconds: Double
        let frames: Int
        let repetitions: Int
        let seconds: Double
        let audio_seconds_per_second: Double
        let microseconds_per_frame: Double
        /// CPU time of the timing thread: on a shared machine, wall time also counts waiting.
        let cpu_seconds: Double
        let audio_seconds_per_cpu_second: Double
        let threads = 1
    }

    func run() throws {
        let config = FeatureConfig()
        var signals: [[Float]] = []
        for file in files {
            do {
                signals.append(try AudioFile.read(file, sampleRate: config.sampleRate))
            } catch {
                Console.error("\(error)")
            }
        }
        guard !signals.isEmpty else { throw ExitCode(1) }
        let filterbank = try LogMelFilterbank(config: config)
        let maxFrames = signals.map { config.frameCount(sampleCount: $0.count) }.max() ?? 0
        var output = [Float](repeating: 0, count: max(1, maxFrames * config.numMelBins))
        let audioSeconds = Double(signals.reduce(0) { $0 + $1.count }) / Double(config.sampleRate)

        func pass() -> Int {
            var frames = 0
            output.withUnsafeMutableBufferPointer { out in
                for signal in signals {
                    frames += signal.withUnsafeBufferPointer { filterbank.compute($0, into: out) }
                }
            }
            return frames
        }

        let framesPerPass = pass()  // warm-up: caches, page faults
        var repetitions = 0
        let cpuStart = threadCPUSeconds()
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed = 0.0
        repeat {
            _ = pass()
            repetitions += 1
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        } while elapsed < minSeconds
        let cpu = threadCPUSeconds() - cpuStart

        let report = Report(files: signals.count, audio_seconds: audioSeconds, frames: framesPerPass,
                            repetitions: repetitions, seconds: elapsed,
                            audio_seconds_per_second: audioSeconds * Double(repetitions) / elapsed,
                            microseconds_per_frame: elapsed * 1e6 / Double(max(1, framesPerPass * repetitions)),
                            cpu_seconds: cpu,
                            audio_seconds_per_cpu_second: audioSeconds * Double(repetitions) / cpu)
        print(try JSONLine.encode(report))
    }
}

private func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}
