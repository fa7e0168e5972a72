/// Turns a transcript into the form the model is trained on and scored against. Stored in model
/// files (Codable) so decoding and scoring normalize exactly as training did.
///
/// `normalize` applies, in order:
/// 1. case folding (`caseFolding`: `.upper` (default), `.lower`, `.none`), Unicode-aware
///    (`"straße"` upper-cases to `"STRASSE"`);
/// 2. every whitespace character (space, tab, newline, ...) becomes a space;
/// 3. each character (grapheme cluster) in `keptCharacters` is kept (default: A-Z, apostrophe,
///    space); any other character is dropped (`otherCharacters = .drop`, default) or becomes a space
///    (`.space`, so `"ROCK-AND-ROLL"` reads as three words). A space is only ever produced when the
///    space itself is kept;
/// 4. with `collapsesWhitespace` (default true) runs of spaces become one space;
/// 5. with `trimsWhitespace` (default true) leading and trailing spaces are removed.
///
/// Example: `"  Don't   stop-motion!\n"` -> `"DON'T STOPMOTION"` with the defaults, and
/// `"DON'T STOP MOTION"` with `otherCharacters: .space`.
public struct TextNormalizer: Codable, Equatable, Sendable {
    public enum CaseFolding: String, Codable, Sendable {
        case upper, lower, none
    }

    public enum OtherCharacters: String, Codable, Sendable {
        /// Characters outside `keptCharacters` disappear: `"E-MAIL"` -> `"EMAIL"`.
        case drop
        /// Characters outside `keptCharacters` separate words: `"E-MAIL"` -> `"E MAIL"`.
        case space
    }

    /// A-Z, apostrophe and space: the character set of AN4, LibriSpeech and most English corpora.
    public static let englishLetters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ' "

    public var caseFolding: CaseFolding
    /// The characters that survive, as a string of distinct characters in ascending order (the
    /// initializer sorts and deduplicates, so equal sets compare equal).
    public private(set) var keptCharacters: String
    public var otherCharacters: OtherCharacters
    public var collapsesWhitespace: Bool
    public var trimsWhitespace: Bool

    public init(caseFolding: CaseFolding = .upper,
                keptCharacters: String = TextNormalizer.englishLetters,
                otherCharacters: OtherCharacters = .drop,
                collapsesWhitespace: Bool = true,
                trimsWhitespace: Bool = true) {
        self.caseFolding = caseFolding
        self.keptCharacters = String(Set(keptCharacters).sorted())
        self.otherCharacters = otherCharacters
        self.collapsesWhitespace = collapsesWhitespace
        self.trimsWhitespace = trimsWhitespace
    }

    /// The defaults: upper case, A-Z + apostrophe + space, others dropped, whitespace collapsed and trimmed.
    public static let `default` = TextNormalizer()

    public func normalize(_ text: String) -> String {
        let folded: String
        switch caseFolding {
        case .upper: folded = text.uppercased()
        case .lower: folded = text.lowercased()
        case .none: folded = text
        }
        let kept = Set(keptCharacters)
        let keepsSpace = kept.contains(" ")
        var out = ""
        out.reserveCapacity(folded.utf8.count)
        for character in folded {
            let c: Character = character.isWhitespace ? " " : character
            if kept.contains(c) {
                if c == " ", collapsesWhitespace, out.last == " " { continue }
                out.append(c)
            } else if otherCharacters == .space, keepsSpace, !(collapsesWhitespace && out.last == " ") {
                out.append(" ")
            }
        }
        if trimsWhitespace {
            while out.last == " " { out.removeLast() }
            if let first = out.firstIndex(where: { $0 != " " }) { out.removeSubrange(out.startIndex..<first) } else { out = "" }
        }
        return out
    }

    private enum CodingKeys: String, CodingKey {
        case caseFolding, keptCharacters, otherCharacters, collapsesWhitespace, trimsWhitespace
    }

    /// Decodes every field (none is optional, so a stored normalizer never silently changes
    /// meaning when defaults change) and canonicalizes `keptCharacters`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(caseFolding: try c.decode(CaseFolding.self, forKey: .caseFolding),
                  keptCharacters: try c.decode(String.self, forKey: .keptCharacters),
                  otherCharacters: try c.decode(OtherCharacters.self, forKey: .otherCharacters),
                  collapsesWhitespace: try c.decode(Bool.self, forKey: .collapsesWhitespace),
                  trimsWhitespace: try c.decode(Bool.self, forKey: .trimsWhitespace))
    }
}
