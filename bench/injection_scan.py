"""How many real sentences the injected-instruction detector flags (it should be none).

Every sentence of the given knowledge directories (default: `knowledge/` and
`../shared/corpus`) is run through `bot.injection.addresses_assistant`; the count and each
flagged sentence are printed, so a detector change that starts dropping real legal text shows.

    python bench/injection_scan.py [DIR ...]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.corpus.knowledge import load_knowledge
from bot.injection import addresses_assistant
from bot.text import split_sentences

ROOT = Path(__file__).resolve().parents[1]


def main(directories: list[Path]) -> None:
    total = 0
    flagged: list[tuple[str, str]] = []
    for directory in directories:
        for doc in load_knowledge(directory).documents:
            for start, end in split_sentences(doc.text):
                total += 1
                if addresses_assistant(sentence := doc.text[start:end]):
                    flagged.append((f"{directory.name}/{doc.path}", sentence[:200]))
    print(f"{total:,} sentences, {len(flagged)} flagged")
    for where, sentence in flagged:
        print(f"  {where}: {sentence}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directories", nargs="*", type=Path)
    args = parser.parse_args()
    main(args.directories or [ROOT / "knowledge", ROOT.parent / "shared" / "corpus"])
