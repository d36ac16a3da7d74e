"""`basis kb check`: every problem in a knowledge directory, without building anything."""

from __future__ import annotations

from pathlib import Path

from bot.corpus.glossary_file import FILE_NAME, parse_glossary
from bot.corpus.knowledge import load_knowledge
from bot.corpus.screening import injection_problem
from bot.corpus.source_changes import stale_problems
from bot.models import Problem


def check_knowledge(directory: Path) -> list[Problem]:
    """Problems of every file and the glossary. Sentences instructing an AI are warnings too.
    (What the audit trail cannot vouch for is `KnowledgeBase.unaudited`, which `kb check` adds.)"""
    loaded = load_knowledge(directory)
    problems = list(loaded.problems)
    problems.extend(p for doc in loaded.documents if (p := injection_problem(doc)))
    problems.extend(stale_problems(loaded.documents))
    glossary = directory / FILE_NAME
    if glossary.is_file():
        _, glossary_problems = parse_glossary(glossary.read_bytes(), FILE_NAME)
        problems.extend(p for p in glossary_problems if p not in problems)
    return problems
