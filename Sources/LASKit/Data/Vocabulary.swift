/// The speller's output alphabet: id 0 = `<blank/pad>` (padding; never emitted), id 1 = `<sos/eos>`
/// (start and end of a transcript share one id), then the distinct characters of the normalized
/// training text in ascending Unicode order (Python's `sorted(set("".join(texts)))`):
/// AN4 gives space + A-Z, 29 ids.
///
/// Characters are grapheme clusters, the unit `TextNormalizer` keeps or drops; for the ASCII
/// alphabets used here they coincide with Python's code points.
/// Codable as `{"tokens": ["<blank/pad>", "<sos/eos>", " ", "A", ...]}`, the full id -> token list.
public struct Vocabulary: Codable, Equatable, Sendable {
    public static let blankID: Int32 = 0
    public static let endOfSentenceID: Int32 = 1
    public static let blankToken = "<blank/pad>"
    public static let endOfSentenceToken = "<sos/eos>"

    /// The characters of ids 2, 3, ... in order.
    public let characters: [Character]
    private let idOfCharacter: [Character: Int32]

    /// Sorts (by Unicode scalar values) and deduplicates `characters`.
    public init(characters: some Sequence<Character>) {
        self.characters = Set(characters).sorted(by: Vocabulary.precedes)
        var ids: [Character: Int32] = [:]
        for (i, c) in self.characters.enumerated() { ids[c] = Int32(i + 2) }
        idOfCharacter = ids
    }

    /// The vocabulary of the characters in `texts`, which should already be normalized.
    public static func build(from texts: some Sequence<String>) -> Vocabulary {
        var seen = Set<Character>()
        for text in texts { seen.formUnion(text) }
        return Vocabulary(characters: seen)
    }

    /// Number of ids, the two special ones included.
    public var count: Int { characters.count + 2 }

    /// Every id's display form: the two special tokens, then the characters.
    public var tokens: [String] { [Vocabulary.blankToken, Vocabulary.endOfSentenceToken] + characters.map(String.init) }

    public func id(of character: Character) -> Int32? { idOfCharacter[character] }

    /// The display form of `id`, nil when out of range.
    public func token(_ id: Int32) -> String? {
        guard id >= 0, Int(id) < count else { return nil }
        return tokens[Int(id)]
    }

    /// The character ids of `text`, without `<sos/eos>`. Throws `VocabularyError.unknownCharacter`
    /// for a character the vocabulary lacks: pass text through the same `TextNormalizer` that built it.
    public func encode(_ text: String) throws -> [Int32] {
        var ids: [Int32] = []
        ids.reserveCapacity(text.count)
        for c in text {
            guard let id = idOfCharacter[c] else { throw VocabularyError.unknownCharacter(c, text: text) }
            ids.append(id)
        }
        return ids
    }

    /// Like `encode`, but characters the vocabulary lacks are left out, so that a transcript with one unspellable
    /// character still trains on the rest.
    public func encodeSkippingUnknown(_ text: String) -> [Int32] {
        text.compactMap { idOfCharacter[$0] }
    }

    /// The text of `ids` up to the first `<sos/eos>`; `<blank/pad>` and out-of-range ids are skipped.
    public func decode(_ ids: some Sequence<Int32>) -> String {
        var text = ""
        for id in ids {
            if id == Vocabulary.endOfSentenceID { break }
            guard id >= 2, Int(id) < count else { continue }
            text.append(characters[Int(id) - 2])
        }
        return text
    }

    /// Python's order: compare the characters' Unicode scalar values.
    private static func precedes(_ a: Character, _ b: Character) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
    }

    private enum CodingKeys: String, CodingKey { case tokens }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tokens, forKey: .tokens)
    }

    /// Accepts only the canonical form `encode(to:)` writes (specials first, then distinct single
    /// characters in ascending order), so stored ids can never be silently renumbered.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let tokens = try c.decode([String].self, forKey: .tokens)
        func corrupt(_ reason: String) -> DecodingError {
            .dataCorruptedError(forKey: .tokens, in: c, debugDescription: reason)
        }
        guard tokens.count >= 2, tokens[0] == Vocabulary.blankToken, tokens[1] == Vocabulary.endOfSentenceToken else {
            throw corrupt("vocabulary must start with \(Vocabulary.blankToken), \(Vocabulary.endOfSentenceToken)")
        }
        var characters: [Character] = []
        for token in tokens.dropFirst(2) {
            guard token.count == 1 else { throw corrupt("vocabulary token \(JSONValue.quoted(token)) is not one character") }
            characters.append(token.first!)
        }
        self.init(characters: characters)
        guard self.characters == characters else {
            throw corrupt("vocabulary characters are not distinct and in ascending order")
        }
    }

    public static func == (a: Vocabulary, b: Vocabulary) -> Bool { a.characters == b.characters }
}

/// A transcript holds a character the vocabulary lacks.
public enum VocabularyError: Error, CustomStringConvertible, Equatable, Sendable {
    case unknownCharacter(Character, text: String)

    public var description: String {
        switch self {
        case let .unknownCharacter(c, text):
            let code = c.unicodeScalars.map { scalar -> String in
                let hex = String(scalar.value, radix: 16, uppercase: true)
                return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            }.joined(separator: " ")
            return "character \(JSONValue.quoted(String(c))) (\(code)) is not in the vocabulary, in transcript \(JSONValue.quoted(text))"
        }
    }
}
