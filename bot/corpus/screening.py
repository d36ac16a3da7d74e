"""Screening a document's text for sentences that instruct an AI assistant (prompt injection).

They never stop a document loading, and they are never quoted in answers (the extractive
composer skips them); a moderator is told about them at `kb add` and by `kb check`, with
examples, so a planted or poisoned document is seen before anyone relies on it.
"""

from __future__ import annotations

from bot.injection import addresses_assistant
from bot.models import Document, Problem
from bot.text import split_sentences

SHOWN = 2
SHOWN_CHARS = 120


def injected_sentences(text: str) -> list[str]:
    """The sentences of `text` that give orders to an AI assistant."""
    return [text[a:b] for a, b in split_sentences(text) if addresses_assistant(text[a:b])]


def injection_problem(doc: Document) -> Problem | None:
    """A warning naming how many sentences of `doc` instruct an AI, with the first examples."""
    found = injected_sentences(doc.text)
    if not found:
        return None
    examples = "; ".join(f"“{s[:SHOWN_CHARS]}”" for s in found[:SHOWN])
    return Problem(
        doc.path,
        "text",
        f"{len(found)} sentence(s) read as instructions to an AI assistant, not facts (e.g. {examples}); "
        "they are never quoted in answers — check where this document came from",
        "warning",
    )
