#!/usr/bin/env bash
# Copies the few real recordings the tests use from ../shared/data into Tests/Fixtures/speech,
# in the same layout, so that the tests run from a plain clone (nothing beside the checkout).
# AN4: CMU's BSD-style terms (LICENSE copied along); FSDD: CC BY-SA 4.0, Zohar Jackson and
# contributors. Tests/Fixtures/speech/README.md says which test uses what.
set -euo pipefail
cd "$(dirname "$0")/.."
src=../shared/data dst=Tests/Fixtures/speech
an4=(an251-fash-b an253-fash-b an254-fash-b an255-fash-b cen1-fash-b cen2-fash-b cen4-fash-b cen5-fash-b
     an86-fbbh-b an87-fbbh-b an88-fbbh-b cen3-mfaa-b an355-msjr-b)
fsdd=(3_lucas_7 6_yweweler_3)
mkdir -p "$dst/an4/etc" "$dst/fsdd/recordings"
cp "$src/an4/etc/an4_train.transcription" "$dst/an4/etc/"
cp "$src/an4/LICENSE" "$dst/an4/LICENSE"
# fjam's first three utterances in transcription order: the command tests' dev set, and an78
# for the reader and filterbank tests.
mapfile -t fjam < <(grep -o '([a-z0-9]*-fjam-b)' "$src/an4/etc/an4_train.transcription" | tr -d '()' | head -3)
for id in "${an4[@]}" "${fjam[@]}"; do
  speaker=$(cut -d- -f2 <<<"$id")
  mkdir -p "$dst/an4/wav/an4_clstk/$speaker"
  cp "$src/an4/wav/an4_clstk/$speaker/$id.wav" "$dst/an4/wav/an4_clstk/$speaker/"
done
for id in "${fsdd[@]}"; do cp "$src/fsdd/recordings/$id.wav" "$dst/fsdd/recordings/"; done
echo "$(find "$dst" -name '*.wav' | wc -l) recordings, $(du -sh "$dst" | cut -f1), in $dst"
