"""`basis kb check`: every problem in a knowledge directory, without building anything."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from bot.corpus.glossary_file import FILE_NAME, parse_glossary
from bot.corpus.knowledge import load_knowledge
from bot.corpus.ledger import unaudited
from bot.corpus.screening import injection_problem
from bot.corpus.source_changes import stale_problems
from bot.models import Problem


def check_knowledge(directory: Path, audit_rows: Iterable[Mapping[str, str]] | None = None) -> list[Problem]:
    """Problems of every file and the glossary; with the audit trail's rows, also imported files
    it cannot vouch for. Sentences instructing an AI are warnings too."""
    loaded = load_knowledge(directory)
    problems = list(loaded.problems)
    problems.extend(p for doc in loaded.documents if (p := injection_problem(doc)))
    if audit_rows is not None:
        problems.extend(unaudited(directory, audit_rows))
    problems.extend(stale_problems(loaded.documents))
    glossary = directory / FILE_NAME
    if glossary.is_file():
        _, glossary_problems = parse_glossary(glossary.read_bytes(), FILE_NAME)
        problems.extend(p for p in glossary_problems if p not in problems)
    return problems
