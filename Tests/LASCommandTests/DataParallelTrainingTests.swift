import Foundation
import XCTest
import LASKit

/// `mpirun -np 2 las train` on loopback: the same answer as one process with the same global
/// batch and seed, and a job that stops, with a loadable checkpoint, when a rank dies or hangs.
final class DataParallelTrainingTests: XCTestCase {
    /// A tiny model with every random part of training on (dropout, SpecAugment, speed
    /// perturbation, scheduled sampling), so the ranks must draw what one process draws.
    static let config = """
    {"model": {"encoderHidden": 16, "encoderLayers": 2, "embeddingSize": 8, "decoderHidden": 16, "attentionSize": 16,
               "attentionChannels": 2, "attentionKernel": 5, "ctcWeight": 0.3, "dropout": 0.2},
     "training": {"speeds": [0.9], "warmupSteps": 2, "batchSize": 4, "samplingProbability": 0.1,
                  "logEvery": 1, "checkpointEvery": 1, "threads": 1}}
    """
    /// Weights after the run, and losses relative to their size: measured differences are
    /// about 3e-7 (the ranks' partial sums round differently from one process's whole sum).
    static let tolerance = 1e-4

    /// Seven AN4 training utterances (batches of 4 and 3, so one rank's share of the second
    /// is 1 and the other's 2) and a corrupt file, which one rank finds and every rank skips;
    /// three utterances of a held-out speaker as dev.
    func arguments(in dir: URL, output: String) throws -> [String] {
        let train = try CommandFixtures.an4Manifest(in: dir, name: "train.jsonl", speakers: ["fash", "fbbh"], perSpeaker: 4)
        let corrupt = try CommandFixtures.badFiles(in: dir).corrupt
        let manifest = try FileHandle(forWritingTo: URL(fileURLWithPath: train))
        manifest.seekToEndOfFile()
        manifest.write(Data("{\"audio_filepath\": \"\(corrupt)\", \"text\": \"NOISE\"}\n".utf8))
        try manifest.close()
        let dev = try CommandFixtures.an4Manifest(in: dir, name: "dev.jsonl", speakers: ["fjam"], perSpeaker: 3)
        let config = dir.appendingPathComponent("config.json")
        try Self.config.write(to: config, atomically: true, encoding: .utf8)
        return ["train", "--train", train, "--dev", dev, "--config", config.path, "--output", dir.appendingPathComponent(output).path]
    }

    func logLines(_ dir: URL, type: String) throws -> [[String: Any]] {
        let text = (try? String(contentsOf: dir.appendingPathComponent("train-log.jsonl"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["type"] as? String == type }
    }

    func testTwoProcessesTrainTheModelOneProcessTrainsWithTheSameGlobalBatchAndSeed() throws {
        let dir = CommandFixtures.temporaryDirectory("data-parallel-same")
        let steps = ["--max-steps", "5"]   // two epochs, each scored on dev, and a step into the third
        let single = try LASProcess.run(try arguments(in: dir, output: "one") + steps)
        XCTAssertEqual(single.status, 0, single.stderr)
        let parallel = try MPIRun(ranks: 2, try arguments(in: dir, output: "two") + steps, directory: dir).wait(atMost: 180)
        XCTAssertEqual(parallel.status, 0, parallel.stderr)
        XCTAssertTrue(parallel.stdout.contains("data-parallel: 2 processes, global batch 4"), parallel.stdout)
        XCTAssertEqual(parallel.stdout.components(separatedBy: "epoch 1: train loss").count, 2, "only rank 0 prints\n\(parallel.stdout)")
        XCTAssertTrue(parallel.stdout.contains("train: 7 utterances"), parallel.stdout)
        XCTAssertTrue(parallel.stdout.contains("train: skipped 1 unreadable utterances"), parallel.stdout)
        XCTAssertEqual(parallel.stderr.split(separator: "\n").filter { $0.contains("corrupt.wav") }.count, 1,
                       "the rank that read it reports it once\n\(parallel.stderr)")

        let one = dir.appendingPathComponent("one"), two = dir.appendingPathComponent("two")
        let losses = try logLines(one, type: "step").compactMap { $0["loss"] as? Double }
        let parallelLosses = try logLines(two, type: "step").compactMap { $0["loss"] as? Double }
        XCTAssertEqual(losses.count, 5)
        XCTAssertEqual(parallelLosses.count, 5, "rank 0 alone writes the log")
        for (a, b) in zip(losses, parallelLosses) { XCTAssertEqual(a, b, accuracy: Self.tolerance * abs(a), "step losses") }
        for (a, b) in zip(try logLines(one, type: "epoch"), try logLines(two, type: "epoch")) {
            for key in ["train_loss", "dev_loss", "dev_cer", "dev_wer"] {
                let x = try XCTUnwrap(a[key] as? Double), y = try XCTUnwrap(b[key] as? Double)
                XCTAssertEqual(x, y, accuracy: Self.tolerance * max(1, abs(x)), key)
            }
        }

        let reference = try Checkpoint.load(one.appendingPathComponent("checkpoint.safetensors").path)
        let result = try Checkpoint.load(two.appendingPathComponent("checkpoint.safetensors").path)
        XCTAssertEqual(result.state.step, 5)
        var largest: Float = 0
        for (p, q) in zip(reference.recognizer.model.parameters, result.recognizer.model.parameters) {
            XCTAssertEqual(p.name, q.name)
            for (a, b) in zip(p.value, q.value) { largest = max(largest, abs(a - b)) }
        }
        XCTAssertLessThanOrEqual(Double(largest), Self.tolerance, "largest weight difference")
    }

    /// Starts a long two-rank run and waits until rank 0 has checkpointed a few steps.
    func startLongRun(_ dir: URL, timeout: Int) throws -> MPIRun {
        let job = try MPIRun(ranks: 2, try arguments(in: dir, output: "run") + ["--epochs", "1000", "--collective-timeout", String(timeout)],
                             directory: dir)
        let deadline = Date().addingTimeInterval(120)
        while try logLines(dir.appendingPathComponent("run"), type: "step").count < 3 && job.process.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
        }
        XCTAssertTrue(job.process.isRunning, "the job ended before it could be interrupted")
        return job
    }

    func testAKilledRankStopsTheJobAndOneProcessResumesFromTheCheckpoint() throws {
        let dir = CommandFixtures.temporaryDirectory("data-parallel-kill")
        let job = try startLongRun(dir, timeout: 60)
        let victim = try XCTUnwrap(job.pid(ofRank: 1), "rank 1's process not found")
        let killed = Date()
        kill(victim, SIGKILL)
        let ended = job.wait(atMost: 60)
        XCTAssertNotEqual(ended.status, 0, "a job that lost a rank must fail")
        XCTAssertLessThan(Date().timeIntervalSince(killed), 60)

        let checkpoint = dir.appendingPathComponent("run/checkpoint.safetensors").path
        let loaded = try Checkpoint.load(checkpoint)
        XCTAssertGreaterThanOrEqual(loaded.state.step, 1)
        let target = loaded.state.step + 3
        let resumed = try LASProcess.run(try arguments(in: dir, output: "run") + ["--resume", "--max-steps", String(target)])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains("resuming from"), resumed.stdout)
        XCTAssertEqual(try Checkpoint.load(checkpoint).state.step, target)
    }

    func testAHungRankStopsTheJobWhenTheCollectiveTimeoutPasses() throws {
        let dir = CommandFixtures.temporaryDirectory("data-parallel-hang")
        let job = try startLongRun(dir, timeout: 5)
        let victim = try XCTUnwrap(job.pid(ofRank: 1), "rank 1's process not found")
        kill(victim, SIGSTOP)   // alive but stuck: the launcher sees nothing wrong
        defer { kill(victim, SIGKILL) }
        let ended = job.wait(atMost: 60)
        XCTAssertNotEqual(ended.status, 0)
        XCTAssertTrue(ended.stderr.contains("did not complete within 5 s"), ended.stderr)
        XCTAssertNoThrow(try Checkpoint.load(dir.appendingPathComponent("run/checkpoint.safetensors").path))
    }
}
