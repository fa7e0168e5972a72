/// Word times of a transcript from the forced alignment of its characters, spaces included, to
/// the CTC head's posteriors (`CTCForcedAlignment`).
///
/// A CTC head's labels are spikes of a frame or two amid blanks (Graves et al. 2006; Zeyer et al.
/// 2021 on why CTC is peaky), so the span from a word's first character to its last one is
/// narrower than the word: against PocketSphinx on AN4 dev, starts came 70 ms late and ends 80 ms
/// early (median). The head also spells the space between words, and that spike sits at the
/// junction: two neighbouring words meet at the middle of their space's frames. The first
/// word's start and the last word's end stay at their characters' first and last frame, since
/// the blanks beyond them are silence as often as speech (tools/measure_word_boundaries.py:
/// median boundary error 80 ms for the bare character spans, 40 ms with the junctions at the
/// midpoint of the blanks between words, 40 ms and a lower mean, 60 ms against 71, at the space).
public enum CTCWordTiming {
    /// The words of `tokens` (character ids, words separated by the vocabulary's space) with start
    /// and end in seconds, `offset` plus encoder frames × `frameSeconds`; nil when the CTC head
    /// cannot align the tokens in `frames` frames.
    public static func words(tokens: [Int32], vocabulary: Vocabulary, logProbabilities: [Float], frames: Int,
                             classes: Int, frameSeconds: Double, offset: Double) -> [WordTiming]? {
        guard let path = CTCForcedAlignment.bestPath(logProbabilities: logProbabilities, frames: frames, classes: classes,
                                                     labels: tokens, blank: Vocabulary.blankID) else { return nil }
        let spans = path.labelFrames
        let space = vocabulary.id(of: " ")
        // Per word: its text, its characters' frames (start of the first to end of the last,
        // exclusive) and the frames of the spaces after it.
        var words: [(text: String, start: Double, end: Double, spaceAfter: ClosedRange<Int>?)] = []
        var text = ""
        for (i, token) in tokens.enumerated() {
            if token == space {
                if let last = words.indices.last {
                    let frames = words[last].spaceAfter.map { $0.lowerBound...spans[i].upperBound } ?? spans[i]
                    words[last].spaceAfter = frames
                }
                text = ""
                continue
            }
            text += vocabulary.token(token) ?? ""
            if text.count == 1 {
                words.append((text, Double(spans[i].lowerBound), Double(spans[i].upperBound + 1), nil))
            } else {
                words[words.count - 1].text = text
                words[words.count - 1].end = Double(spans[i].upperBound + 1)
            }
        }
        for k in words.indices.dropLast() {
            guard let gap = words[k].spaceAfter else { continue }
            let junction = Double(gap.lowerBound + gap.upperBound + 1) / 2
            words[k].end = junction
            words[k + 1].start = junction
        }
        return words.map {
            WordTiming(word: $0.text, start: offset + $0.start * frameSeconds, end: offset + $0.end * frameSeconds)
        }
    }
}
