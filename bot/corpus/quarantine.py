"""Quarantine: a document with sentences that instruct an AI is not served until a moderator accepts it.

The rule lives where documents are loaded (`load_knowledge` calls `screen`), so it holds on every
path a file can arrive by — `kb add`, URL import, `basis sync`, a file copied in by hand — and
for every build, in every process. A held document stays on disk, is listed with its flagged
sentences (`kb check`, the build report, `kb accept`), and is never indexed.

Accepting is per content: `accept` records the file's sha256 in `ACCEPTED_FILE` (a dot-file in
the knowledge directory, so it is never read as a document). A later version of the file — a
re-upload, a synced update — has a new hash and is screened afresh.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.corpus.screening import SHOWN_CHARS, injected_sentences
from bot.models import Document, Problem

ACCEPTED_FILE = ".accepted-flagged"


@dataclass(frozen=True)
class Held:
    """A document kept out of the index, and the sentences that put it there."""

    doc: Document
    sentences: tuple[str, ...]

    def problem(self) -> Problem:
        """The warning `kb check` and builds show: how many sentences, the first one, and what to do."""
        first = self.sentences[0][:SHOWN_CHARS]
        return Problem(
            self.doc.path,
            "quarantine",
            f"not served: {len(self.sentences)} sentence(s) read as instructions to an AI assistant "
            f"(e.g. “{first}”); a moderator reviews them with `basis kb accept {self.doc.id}` "
            f"(or `/kb accept`), which shows them all",
            "warning",
        )


def accepted_hashes(knowledge_dir: Path) -> set[str]:
    """The sha256 of every file version a moderator accepted despite its flagged sentences."""
    path = knowledge_dir / ACCEPTED_FILE
    if not path.is_file():
        return set()
    lines = path.read_text("utf-8", errors="replace").splitlines()
    return {line.split("\t", 1)[0] for line in lines if line.strip()}


def screen(knowledge_dir: Path, documents: Iterable[Document]) -> tuple[list[Document], list[Held]]:
    """Split `documents` into those served and those held: flagged and not accepted in this version."""
    accepted = accepted_hashes(knowledge_dir)
    served: list[Document] = []
    held: list[Held] = []
    for doc in documents:
        flagged = () if doc.sha256 in accepted else tuple(injected_sentences(doc.text))
        if flagged:
            held.append(Held(doc, flagged))
        else:
            served.append(doc)
    return served, held


def accept(knowledge_dir: Path, doc: Document, actor: str, at: str) -> None:
    """Record that `actor` read the flagged sentences of this version of `doc` and serves it anyway.

    One line, flushed to disk before returning: a build that starts afterwards serves the file.
    """
    line = "\t".join((doc.sha256, doc.path, actor, at)).replace("\n", " ") + "\n"
    with (knowledge_dir / ACCEPTED_FILE).open("a", encoding="utf-8") as out:
        out.write(line)
        out.flush()
        os.fsync(out.fileno())
