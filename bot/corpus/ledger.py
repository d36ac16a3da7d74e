"""What the audit trail vouches for: every file in the knowledge directory, matched to the change
that put it there as it is now.

Every change writes one intent line per file it leaves (path and sha256) before touching
anything, and one outcome line after (`bot.knowledge_base`). A file is vouched for when a
finished change's intent names it with its current hash. Reported: a file an unfinished change
wrote (always); a file under `imported/` with no record (always: only `kb add` puts files
there); any other file (curated, synced) with no record, from the first audited build on
(`basis index build` or `/kb reload` vouches for the curated files it publishes), so a
knowledge directory never built through the audited path is not flooded with warnings; and a
removal whose outcome never came, as its document may still be served until the next rebuild.
An unfinished build wrote nothing, so it leaves nothing pending.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.corpus.glossary_file import FILE_NAME as GLOSSARY_FILE
from bot.corpus.knowledge import IMPORTED, document_files
from bot.models import INTENT, Problem

UNFINISHED = ("failed", "refused", "interrupted")  # outcome lines after which a change vouches for nothing
BASELINE = ("build", "reload")  # changes that vouch for the curated files they publish


@dataclass
class Ledger:
    """The audit rows folded into what they vouch for."""

    vouched: set[tuple[str, str]] = field(default_factory=set)
    pending: dict[tuple[str, str], Mapping[str, str]] = field(default_factory=dict)
    removals: list[Mapping[str, str]] = field(default_factory=list)
    baseline: bool = False

    @classmethod
    def of(cls, rows: Iterable[Mapping[str, str]]) -> Ledger:
        rows = list(rows)
        finished: dict[str, int] = {}  # change id → position of its outcome line
        for n, row in enumerate(rows):
            outcome = row.get("outcome", "")
            if row.get("change") and outcome != INTENT and not outcome.startswith(UNFINISHED):
                finished[row["change"]] = n
        ledger = cls()
        last_finish = max(finished.values(), default=-1)
        for n, row in enumerate(rows):
            key = (row.get("target", ""), row.get("sha256", ""))
            outcome = row.get("outcome", "")
            if outcome == INTENT:
                if row.get("change") in finished:
                    if row.get("action") != "remove":  # a finished removal vouches for no file
                        ledger.vouched.add(key)
                    ledger.baseline |= row.get("action") in BASELINE
                elif row.get("action") not in BASELINE:  # an unfinished build wrote nothing
                    ledger.pending.setdefault(key, row)
                    if row.get("action") == "remove" and n > last_finish:
                        ledger.removals.append(row)
            elif not row.get("change") and row.get("action") == "add" and not outcome.startswith(UNFINISHED):
                ledger.vouched.add(key)  # a line from before intents were logged
        return ledger

    def vouches(self, relative: str, sha256: str) -> bool:
        return (relative, sha256) in self.vouched

    def unsettled(self, relative: str, sha256: str) -> bool:
        """Written by a change that never finished, and vouched for by none since."""
        return (relative, sha256) in self.pending and (relative, sha256) not in self.vouched


def served_files(knowledge_dir: Path) -> Iterator[Path]:
    """The files an index build reads: every document file and the glossary."""
    yield from document_files(knowledge_dir)
    if (knowledge_dir / GLOSSARY_FILE).is_file():
        yield knowledge_dir / GLOSSARY_FILE


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def is_imported(relative: str) -> bool:
    return Path(relative).parts[0] == IMPORTED


def unvouched_curated(knowledge_dir: Path, ledger: Ledger) -> dict[str, str]:
    """The files outside `imported/` a build would publish that no finished change vouches for yet,
    leaving out those an unfinished change wrote: those stay reported until their own path (the
    next sync, or a moderator) settles them."""
    found = {}
    for path in served_files(knowledge_dir):
        relative = str(path.relative_to(knowledge_dir))
        key = (relative, file_sha256(path))
        if not is_imported(relative) and key not in ledger.vouched and key not in ledger.pending:
            found[relative] = key[1]
    return found


def unaudited(knowledge_dir: Path, audit_rows: Iterable[Mapping[str, str]]) -> list[Problem]:
    """Files the audit rows (the audit trail's lines, oldest first) cannot vouch for: no record of
    who put them there as they are now, or a change whose intent was logged but never finished
    (the process stopped between saving and rebuilding); and removals that never finished."""
    ledger = Ledger.of(audit_rows)
    problems = []
    for path in served_files(knowledge_dir) if knowledge_dir.is_dir() else ():
        relative = str(path.relative_to(knowledge_dir))
        key = (relative, file_sha256(path))
        row = ledger.pending.get(key)
        if key in ledger.vouched or (row is None and not (is_imported(relative) or ledger.baseline)):
            continue
        if row is not None:
            message = (
                f"the change by {row.get('actor')} at {row.get('at')} never finished (stopped "
                "between saving and rebuilding); check the file, then keep it or remove it"
            )
        elif is_imported(relative):
            message = (
                "no audit record says who added this file (it was not added with kb add, or the "
                "log was lost); check it, then keep it or remove it"
            )
        else:
            message = (
                "no audit record says who put this version here (it changed after the last audited "
                "build or sync); check it, then publish it with `basis index build` or restore it"
            )
        problems.append(Problem(relative, "audit", message, "warning"))
    for row in ledger.removals:
        target = row.get("target", "")
        if not (knowledge_dir / target).exists():
            problems.append(
                Problem(
                    target,
                    "audit",
                    f"the removal by {row.get('actor')} at {row.get('at')} never finished; the document "
                    "may still be served until the next rebuild (`basis index build`)",
                    "warning",
                )
            )
    return problems
