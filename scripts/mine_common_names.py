"""Regenerate articles/enrichment/data/common_names.json: the galaxies' one-word threat
names that the dictionary does not list but that are common words or names elsewhere.

    python -m venv /tmp/wordfreq && /tmp/wordfreq/bin/pip install wordfreq==3.1.1
    DEBUG=true python scripts/mine_common_names.py --wordfreq-python /tmp/wordfreq/bin/python

wordfreq is only needed here, not at run time: it is a 57 MB package, and the list
changes only when the galaxies (pinned in requirements.txt) do. The names are read from
the galaxies the extractor loads; each is kept when its Zipf frequency in English (how
often it occurs in web text, Wikipedia, subtitles, books) is at least ``--threshold``.
A coined malware name ("Emotet", "Qakbot") scores 0; "Voldemort", "Sparta", "Pierogi"
and "Akira" score 1.6-3.2.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

OUTPUT = ROOT / "articles" / "enrichment" / "data" / "common_names.json"
_SCORE = """
import json, sys
from wordfreq import zipf_frequency
names = json.load(sys.stdin)
print(json.dumps({name: zipf_frequency(name, "en") for name in names}))
"""


def candidate_names() -> list[str]:
    """One-word, letters-only threat-actor, malware and tool names the dictionary lacks."""
    from articles.enrichment import galaxies
    from articles.enrichment.entities import read_json
    from articles.enrichment.name_rules import SHORT_NAME, WORD_TOKEN, alnum_length, is_ordinary

    software, sectors = read_json("software.json"), read_json("sectors.json")
    names = set()
    for record in galaxies.load_all(software["tools"], sectors, software["malware_not_tools"]):
        if record.kind not in ("threat-actor", "malware", "tool"):
            continue
        for surface in record.names:
            one_word = len(WORD_TOKEN.findall(surface)) == 1 and surface.isalpha()
            if one_word and alnum_length(surface) > SHORT_NAME and not is_ordinary(surface):
                names.add(surface.lower())
    return sorted(names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wordfreq-python", required=True, help="a Python with wordfreq 3.1.1 installed")
    parser.add_argument("--threshold", type=float, default=1.0)
    args = parser.parse_args()
    names = candidate_names()
    # The interpreter is the developer's own, named on the command line.
    scored = subprocess.run(  # noqa: S603
        [args.wordfreq_python, "-c", _SCORE],
        input=json.dumps(names),
        capture_output=True,
        text=True,
        check=False,
    )
    if scored.returncode != 0:
        problem = f"{args.wordfreq_python} could not score the names (is wordfreq 3.1.1 installed?)"
        sys.exit(f"{problem}:\n{scored.stderr}")
    scores = json.loads(scored.stdout)
    common = sorted(name for name, score in scores.items() if score >= args.threshold)
    existing = json.loads(OUTPUT.read_text(encoding="utf-8"))
    existing["names"] = common
    existing["source"] = f'wordfreq 3.1.1, zipf_frequency(name, "en") >= {args.threshold}'
    OUTPUT.write_text(json.dumps(existing, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(common)} of {len(names)} one-word names are common elsewhere; wrote {OUTPUT}")


if __name__ == "__main__":
    main()
