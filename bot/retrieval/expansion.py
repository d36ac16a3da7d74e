"""Turn a question into what each retriever should see.

The bundled embedding model reads English only, so Chinese export-control
terms are translated through the glossary (视同出口 → deemed export) and the
dense retriever gets that English form, while the lexical retriever gets the
original words (segmented) plus the translations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.glossary import Glossary
from bot.lang import CJK, detect_language

LATIN_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .,'’&()§/-]*[A-Za-z0-9)]|[A-Za-z0-9]")


@dataclass(frozen=True)
class Query:
    original: str
    lang: str
    dense: str
    lexical: str
    terms: tuple[str, ...] = ()


def expand(question: str, glossary: Glossary, context: str | None = None) -> Query:
    lang = detect_language(question)
    found: list[str] = []
    if CJK.search(question):
        rest = question
        for zh, entry in glossary.chinese_terms().items():
            if zh in rest:
                found.append(entry.term)
                rest = rest.replace(zh, " ")
        latin = " ".join(m.group(0) for m in LATIN_RUN.finditer(rest))
        english = " ".join(dict.fromkeys([*found, latin])).strip()
        dense = english or question
        lexical = f"{question} {' '.join(found)}"
    else:
        found = [e.term for e in glossary.mentioned(question)]
        definitions = " ".join(glossary.get(t).definition.split(". ")[0] for t in found[:2])  # type: ignore[union-attr]
        dense = f"{question} {definitions}".strip()
        lexical = question
    if context:
        dense = f"{context} {dense}"
        lexical = f"{context} {lexical}"
    return Query(question, lang, dense, lexical, tuple(dict.fromkeys(found)))
