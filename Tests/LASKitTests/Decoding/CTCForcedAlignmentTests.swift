import XCTest
import LASKit

final class CTCForcedAlignmentTests: XCTestCase {
    /// Log-posteriors [frames, classes] from per-frame probabilities (each row sums to 1).
    func logPosteriors(_ rows: [[Float]]) -> [Float] { rows.flatMap { $0.map { log($0) } } }

    /// A frame distribution that puts `p` on `label` and spreads the rest over the other classes.
    func peaked(_ label: Int, _ p: Float = 0.9, classes: Int) -> [Float] {
        (0..<classes).map { $0 == label ? p : (1 - p) / Float(classes - 1) }
    }

    func collapse(_ frames: [Int], blank: Int) -> [Int] {
        var out: [Int] = [], previous = -1
        for k in frames { if k != previous && k != blank { out.append(k) }; previous = k }
        return out
    }

    func testThePathFollowsTheLabelThatDominatesEachFrame() {
        // blank, A, A, blank, B, blank: the frame-wise winners already form a path of "A B".
        let V = 3
        let rows = [0, 1, 1, 0, 2, 0].map { peaked($0, classes: V) }
        let path = CTCForcedAlignment.bestPath(logProbabilities: logPosteriors(rows), frames: 6, classes: V,
                                               labels: [1, 2], blank: 0)
        XCTAssertEqual(path?.states, [0, 1, 1, 2, 3, 4])
        XCTAssertEqual(path?.labelFrames, [1...2, 4...4])
        XCTAssertEqual(Double(path!.logProbability), 6 * log(0.9), accuracy: 1e-5)
    }

    func testEveryLabelGetsAFrameEvenWhereAnotherClassDominates() {
        // The posteriors say blank everywhere but frame 2; "A B" must still place both labels.
        let V = 3
        let rows = [0, 0, 2, 0, 0].map { peaked($0, classes: V) }
        let path = CTCForcedAlignment.bestPath(logProbabilities: logPosteriors(rows), frames: 5, classes: V,
                                               labels: [1, 2], blank: 0)!
        XCTAssertEqual(collapse(path.states.map { $0 % 2 == 0 ? 0 : [1, 2][$0 / 2] }, blank: 0), [1, 2])
        XCTAssertEqual(path.labelFrames.count, 2)
        XCTAssertEqual(path.labelFrames[1], 2...2)
    }

    func testARepeatedLabelIsSeparatedByABlank() {
        // A everywhere: "A A" has to spend a frame on a blank between its two A's.
        let V = 2
        let rows = (0..<4).map { _ in peaked(1, classes: V) }
        let path = CTCForcedAlignment.bestPath(logProbabilities: logPosteriors(rows), frames: 4, classes: V,
                                               labels: [1, 1], blank: 0)!
        let separated = path.labelFrames
        XCTAssertEqual(separated.count, 2)
        XCTAssertGreaterThan(separated[1].lowerBound, separated[0].upperBound + 1)
    }

    func testLabelsThatNeedMoreFramesThanThereAreHaveNoAlignment() {
        let V = 4
        let rows = (0..<2).map { _ in peaked(1, classes: V) }
        XCTAssertNil(CTCForcedAlignment.bestPath(logProbabilities: logPosteriors(rows), frames: 2, classes: V,
                                                 labels: [1, 2, 3], blank: 0))
        XCTAssertNil(CTCForcedAlignment.bestPath(logProbabilities: logPosteriors(rows), frames: 2, classes: V,
                                                 labels: [1, 1], blank: 0))
        XCTAssertNotNil(CTCForcedAlignment.bestPath(logProbabilities: logPosteriors(rows), frames: 2, classes: V,
                                                    labels: [1, 2], blank: 0))
    }

    func testAnEmptyTranscriptAlignsToBlanksOnly() {
        let V = 3
        let rows = [1, 2, 0].map { peaked($0, classes: V) }
        let path = CTCForcedAlignment.bestPath(logProbabilities: logPosteriors(rows), frames: 3, classes: V,
                                               labels: [], blank: 0)
        XCTAssertEqual(path?.states, [0, 0, 0])
        XCTAssertEqual(path?.labelFrames, [])
    }

    /// Every one of the V^T frame sequences that collapses to the labels is a CTC alignment;
    /// the most probable of them must be the Viterbi path, in probability and in frames.
    func testTheBestPathIsTheMostProbableOfAllAlignments() {
        let (T, V) = (6, 4)
        var rng = SplitMix64(seed: 61)
        for labels: [Int32] in [[1], [1, 2], [2, 2], [1, 2, 1], [3, 3, 2], [1, 2, 3]] {
            var logp = GradientCheck.random(T * V, rng: &rng, scale: 3)
            logp.withUnsafeMutableBufferPointer { p in for t in 0..<T { LogSoftmax.inPlace(p.baseAddress! + t * V, count: V) } }
            var best = -Float.infinity, bestFrames: [Int] = []
            for code in 0..<Int(pow(Double(V), Double(T))) {
                var c = code, frames: [Int] = []
                for _ in 0..<T { frames.append(c % V); c /= V }
                guard collapse(frames, blank: 0) == labels.map(Int.init) else { continue }
                let score = frames.enumerated().reduce(Float(0)) { $0 + logp[$1.offset * V + $1.element] }
                if score > best { best = score; bestFrames = frames }
            }
            let path = CTCForcedAlignment.bestPath(logProbabilities: logp, frames: T, classes: V, labels: labels, blank: 0)!
            let classesOnPath = path.states.map { $0 % 2 == 0 ? 0 : Int(labels[$0 / 2]) }
            XCTAssertEqual(path.logProbability, best, accuracy: 1e-4, "\(labels)")
            XCTAssertEqual(classesOnPath, bestFrames, "\(labels)")
        }
    }
}
