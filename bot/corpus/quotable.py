"""Which sentences of a text may be quoted as an answer: one rule for the composer and the twins.

The extractive composer quotes these spans, and the knowledge-base writers give each of them
a Chinese twin, so both read the rule here: a sentence long enough to say something, that is
prose (not a heading, table row, `Citation:` line or note about the page itself) and that does
not instruct an AI assistant (such a sentence is evidence of nothing).
"""

from __future__ import annotations

import re

from bot.injection import addresses_assistant
from bot.text import split_sentences

MIN_CHARS = 30
NOT_PROSE = re.compile(
    r"^(?:#|\||Citation:|URL:|Note:|Also called:|中文：|-\s*\w+:|This (?:explainer|document|page|section)\b)"
)


def quotable_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text` that may be quoted, in order."""
    return [
        (a, b)
        for a, b in split_sentences(text)
        if b - a >= MIN_CHARS and not NOT_PROSE.match(text[a:b]) and not addresses_assistant(text[a:b])
    ]
