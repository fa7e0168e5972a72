import ArgumentParser
import Foundation
import LASKit

struct BenchAllreduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allreduce",
        abstract: "Time the gradient sum of data-parallel training (run under mpirun).",
        discussion: """
        Sums a buffer of --floats values (default: the las-bench model's gradient) over the \
        processes mpirun started, as `las train` does once per step: 2 warm-up and --rounds \
        timed calls. Rank 0 prints one JSON line: ranks, floats, megabytes, ms_median, ms_min \
        and the algorithm bandwidth (bytes / time). Outside mpirun there is nothing to sum: \
        the command says so and fails.
        """)

    @Option(help: "Values in the buffer (single-precision floats).") var floats: Int?
    @Option(help: "Timed calls.") var rounds = 20

    struct Result: Codable {
        var benchmark = "allreduce"
        var ranks: Int, floats: Int, megabytes: Double, ms_median: Double, ms_min: Double, gigabytes_per_s: Double
    }

    func validate() throws {
        if let floats, floats <= 0 { throw ValidationError("--floats must be positive") }
        guard rounds > 0 else { throw ValidationError("--rounds must be positive") }
    }

    func run() throws {
        let group = try ProcessGroup.join(collectiveTimeout: 600)
        guard group.size > 1 else {
            Console.error("bench allreduce needs several processes: run it as `mpirun -np 2 las bench allreduce`")
            throw ExitCode.failure
        }
        let count = floats ?? LASModel(config: .lasBench, seed: 1).parameterCount
        var buffer = [Float](repeating: 1, count: count)
        var times: [Double] = []
        for round in 0..<(rounds + 2) {
            let start = DispatchTime.now().uptimeNanoseconds
            try group.sum(&buffer, what: "the benchmark's sum")
            if round >= 2 { times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6) }
        }
        group.finish()
        guard group.isCoordinator else { return }
        let sorted = times.sorted(), median = sorted[sorted.count / 2]
        let megabytes = Double(count * MemoryLayout<Float>.size) / 1e6
        print(try JSONLine.encode(Result(ranks: group.size, floats: count, megabytes: megabytes, ms_median: median,
                                         ms_min: sorted[0], gigabytes_per_s: megabytes / median)))
    }
}
