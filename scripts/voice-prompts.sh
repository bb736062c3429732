#!/usr/bin/env bash
# Records the face check's spoken prompts (长辈版, ADR 0004) into OUTDIR/voice/{tag}/{stem}.mp3,
# from the UI's own texts: the host build of shimin-ui prints `tag<TAB>stem<TAB>text` lines.
# eSpeak NG (GPL-3.0-or-later) and LAME (LGPL) are build tools only: their output ships, they do
# not. Mandarin is read with the `cmn-latn-pinyin` voice for both scripts (Debian's 1.51 `cmn`
# voice reads the tone digits aloud in English), English with `en-us`; a little slower than the
# default rate, for older listeners.
# Usage: scripts/voice-prompts.sh OUTDIR
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:?usage: scripts/voice-prompts.sh OUTDIR}
for tool in espeak-ng lame; do
  command -v "$tool" >/dev/null || { echo "voice-prompts: $tool is missing (scripts/setup.sh installs it)" >&2; exit 1; }
done
manifest=$(cargo run -q --locked -p shimin-ui -- voice-prompts)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
count=0
while IFS=$'\t' read -r tag stem text; do
  case "$tag" in
    zh-Hans|zh-Hant) voice=cmn-latn-pinyin ;;
    en) voice=en-us ;;
    *) echo "voice-prompts: no voice for language $tag" >&2; exit 1 ;;
  esac
  mkdir -p "$OUT/voice/$tag"
  espeak-ng -v "$voice" -s 150 -w "$tmp/prompt.wav" -- "$text"
  lame --quiet -m m --resample 16 -b 24 "$tmp/prompt.wav" "$OUT/voice/$tag/$stem.mp3"
  count=$((count + 1))
done <<<"$manifest"
[ "$count" -gt 0 ] || { echo "voice-prompts: no prompts listed" >&2; exit 1; }
printf 'voice: %s prompts (%s bytes)\n' "$count" "$(du -cb "$OUT"/voice/*/*.mp3 | tail -1 | cut -f1)"
