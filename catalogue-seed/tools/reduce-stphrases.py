#!/usr/bin/env python3
"""Writes data/opencc/STPhrases.txt: the phrases of OpenCC's STPhrases.txt (Apache-2.0) whose
Traditional form differs from converting the phrase character by character with the first
candidate of STCharacters.txt. The other phrases change nothing and are left out (49,192 → 9,982
lines). Usage: tools/reduce-stphrases.py FULL_STPhrases.txt data/opencc/STCharacters.txt > data/opencc/STPhrases.txt
(the full file ships in the crates.io package ferrous-opencc 0.4.0, assets/dictionaries/)."""
import sys

chars = {}
for line in open(sys.argv[2], encoding="utf8"):
    if line.startswith("#") or not line.strip():
        continue
    key, values = line.rstrip("\n").split("\t")
    chars[key] = values.split(" ")[0]

print("# Open Chinese Convert (OpenCC) Dictionary: STPhrases.txt, reduced by tools/reduce-stphrases.py")
print("# (only the phrases that character-by-character conversion would get wrong). Apache-2.0, see LICENSE.")
for line in open(sys.argv[1], encoding="utf8"):
    if line.startswith("#") or not line.strip():
        continue
    key, values = line.rstrip("\n").split("\t")
    first = values.split(" ")[0]
    if "".join(chars.get(c, c) for c in key) != first:
        print(f"{key}\t{first}")
