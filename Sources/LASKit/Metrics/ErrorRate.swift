// Word and character error rates of one utterance, with jiwer 4's default transforms
// (`wer_default`, `cer_default`) so the numbers agree with it.

/// Words of a transcript: maximal runs of non-whitespace characters (any Unicode whitespace
/// separates, so leading, trailing and repeated whitespace make no empty words).
/// jiwer splits on the space character only after collapsing runs of whitespace; the two agree
/// unless a single tab or newline stands between two words.
public func wordTokens(_ text: String) -> [String] {
    text.split(whereSeparator: \.isWhitespace).map(String.init)
}

/// Characters of a transcript for CER: every character after trimming leading and trailing
/// whitespace, INCLUDING the spaces between words (jiwer's `cer_default`: strip, then characters;
/// runs of inner whitespace are kept as they are, so collapse them first if they are not meant).
/// Characters are Swift `Character`s (extended grapheme clusters, compared by canonical
/// equivalence); jiwer uses code points, which agree with them for text without combining marks.
public func characterTokens(_ text: String) -> [Character] {
    guard let first = text.firstIndex(where: { !$0.isWhitespace }),
          let last = text.lastIndex(where: { !$0.isWhitespace }) else { return [] }
    return Array(text[first...last])
}

/// Word-level alignment of `hypothesis` against `reference` (see `wordTokens`).
public func wordAlignment(reference: String, hypothesis: String) -> LevenshteinAlignment<String> {
    LevenshteinAlignment(reference: wordTokens(reference), hypothesis: wordTokens(hypothesis))
}

/// Character-level alignment of `hypothesis` against `reference` (see `characterTokens`).
public func characterAlignment(reference: String, hypothesis: String) -> LevenshteinAlignment<Character> {
    LevenshteinAlignment(reference: characterTokens(reference), hypothesis: characterTokens(hypothesis))
}

/// Word errors of one utterance; `.rate` is its WER.
public func wordErrors(reference: String, hypothesis: String) -> ErrorCounts {
    wordAlignment(reference: reference, hypothesis: hypothesis).counts
}

/// Character errors of one utterance, spaces between words included; `.rate` is its CER.
public func characterErrors(reference: String, hypothesis: String) -> ErrorCounts {
    characterAlignment(reference: reference, hypothesis: hypothesis).counts
}

/// The text `las wer` scores: whitespace runs collapsed to one space, ends trimmed, uppercased.
/// Nothing else (no punctuation removal, no number expansion): `las wer` scores texts as written;
/// `las evaluate` scores after the model's `TextNormalizer`.
public func prepareForScoring(_ text: String) -> String {
    wordTokens(text).joined(separator: " ").uppercased()
}
