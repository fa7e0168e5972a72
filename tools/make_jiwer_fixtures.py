#!/usr/bin/env python3
"""Writes Tests/LASKitTests/Fixtures/jiwer/pairs.json: jiwer's scores for random transcript pairs.

An independent reference for LASKit's Metrics: for each (reference, hypothesis) pair, jiwer's
word-level (process_words, default transform) and character-level (process_characters, default
transform) hits, substitutions, deletions, insertions, rate and alignment opcodes, plus corpus
WER and CER over all pairs. The Swift tests read the committed JSON; this script is only needed to
regenerate it:

    /work/venv/bin/python tools/make_jiwer_fixtures.py

Pairs are drawn from a small vocabulary with look-alike words (cat/cut/cart, there/their), so that
alignments have many matches and many equal-cost ties; lengths run from empty to 25 words, error
rates from none to total. Only ASCII spaces separate words (jiwer splits on ' ' after collapsing
runs of whitespace; a lone tab would be a word character to it). Some pairs carry repeated or
edge spaces: jiwer's WER ignores them, its CER keeps inner ones and strips the edges.
"""

import json
import os
from importlib import metadata
import random
import sys

import jiwer
import rapidfuzz

SEED = 20240607
PAIRS = 300
OUTPUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "LASKitTests", "Fixtures", "jiwer", "pairs.json")

# Small on purpose: many repeated words make many ties between equal-cost alignments.
VOCABULARY = ["a", "the", "cat", "cut", "cart", "sat", "set", "on", "mat", "map", "there", "their",
              "two", "to", "too", "nine", "five", "oh", "café", "naïve"]
# Look-alikes for substitutions that share characters (interesting for CER).
LOOKALIKES = {"cat": ["cut", "cart", "at"], "cut": ["cat"], "cart": ["cat", "card"], "sat": ["set", "sad"],
              "set": ["sat"], "mat": ["map", "matt"], "map": ["mat"], "there": ["their", "they're"],
              "their": ["there"], "two": ["to", "too"], "to": ["two", "too"], "too": ["to"],
              "café": ["cafe", "caffè"], "naïve": ["naive"], "nine": ["none", "fine"], "five": ["fine"]}


def random_sentence(rng, length):
    return [rng.choice(VOCABULARY) for _ in range(length)]


def corrupt(rng, words, error_rate):
    """Substitute, delete and insert words independently with total probability error_rate."""
    out = []
    for word in words:
        roll = rng.random()
        if roll < error_rate / 3:
            out.append(rng.choice(LOOKALIKES.get(word, VOCABULARY)))
        elif roll < 2 * error_rate / 3:
            pass
        elif roll < error_rate:
            out.append(word)
            out.append(rng.choice(VOCABULARY))
        else:
            out.append(word)
    if rng.random() < error_rate / 2:
        out.insert(rng.randrange(len(out) + 1), rng.choice(VOCABULARY))
    return out


def spaced(rng, words):
    """Joins with single spaces, or (one time in eight) with repeated and edge spaces."""
    if rng.random() >= 1 / 8:
        return " ".join(words)
    gaps = [" " * rng.randint(1, 3) for _ in words[1:]]
    text = words[0] if words else ""
    for gap, word in zip(gaps, words[1:]):
        text += gap + word
    return " " * rng.randint(0, 2) + text + " " * rng.randint(0, 2)


def make_pair(rng, index):
    kind = index % 10
    length = rng.choice([0, 1, 2, 3, 5, 8, 12, 16, 25]) if kind != 9 else rng.randint(1, 6)
    ref = random_sentence(rng, length)
    if kind == 0:
        hyp = []                                          # empty hypothesis: all deletions
    elif kind == 1:
        hyp = random_sentence(rng, rng.randint(0, 12))    # unrelated hypothesis
    elif kind == 2:
        hyp = list(ref)                                   # perfect
    elif kind == 3 and ref:
        k = rng.randrange(len(ref))                       # shifted: ties between S and D+I
        hyp = ref[k:] + ref[:k]
    elif kind == 9:
        hyp = corrupt(rng, ref, 0.5)
        ref_text, hyp_text = "".join(ref), "".join(hyp)   # one long "word": character-level ties
        return ref_text, hyp_text
    else:
        hyp = corrupt(rng, ref, rng.choice([0.1, 0.2, 0.3, 0.5, 0.8]))
    return spaced(rng, ref), spaced(rng, hyp)


def opcodes(alignment):
    return [[chunk.type, chunk.ref_start_idx, chunk.ref_end_idx, chunk.hyp_start_idx, chunk.hyp_end_idx]
            for chunk in alignment]


def main():
    rng = random.Random(SEED)
    pairs = [make_pair(rng, i) for i in range(PAIRS)]
    # A few by hand: both empty, empty reference, and a tie-heavy character case.
    pairs += [("", ""), ("", "a cat"), ("  ", "the"), ("abcabc", "cbacba"), ("the cat", "the  cat")]

    records = []
    for ref, hyp in pairs:
        words = jiwer.process_words(ref, hyp)
        chars = jiwer.process_characters(ref, hyp)
        records.append({
            "reference": ref,
            "hypothesis": hyp,
            "words": {"hits": words.hits, "substitutions": words.substitutions, "deletions": words.deletions,
                      "insertions": words.insertions, "wer": float(words.wer),
                      "opcodes": opcodes(words.alignments[0])},
            "characters": {"hits": chars.hits, "substitutions": chars.substitutions,
                           "deletions": chars.deletions, "insertions": chars.insertions, "cer": float(chars.cer),
                           "opcodes": opcodes(chars.alignments[0])},
        })

    refs = [ref for ref, _ in pairs]
    hyps = [hyp for _, hyp in pairs]
    corpus_words = jiwer.process_words(refs, hyps)
    corpus_chars = jiwer.process_characters(refs, hyps)
    fixture = {
        "generator": "tools/make_jiwer_fixtures.py",
        "jiwer": metadata.version("jiwer"),
        "rapidfuzz": rapidfuzz.__version__,
        "seed": SEED,
        "corpus": {
            "words": {"hits": corpus_words.hits, "substitutions": corpus_words.substitutions,
                      "deletions": corpus_words.deletions, "insertions": corpus_words.insertions,
                      "wer": float(corpus_words.wer)},
            "characters": {"hits": corpus_chars.hits, "substitutions": corpus_chars.substitutions,
                           "deletions": corpus_chars.deletions, "insertions": corpus_chars.insertions,
                           "cer": float(corpus_chars.cer)},
        },
        "pairs": records,
    }
    os.makedirs(os.path.dirname(OUTPUT), exist_ok=True)
    temporary = OUTPUT + ".tmp"
    with open(temporary, "w", encoding="utf-8") as f:
        json.dump(fixture, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    os.replace(temporary, OUTPUT)
    print(f"{os.path.normpath(OUTPUT)}: {len(records)} pairs, corpus WER {corpus_words.wer:.4f}, "
          f"CER {corpus_chars.cer:.4f}", file=sys.stderr)


if __name__ == "__main__":
    main()
