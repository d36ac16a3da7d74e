"""Turn a question into what each retriever should see.

The bundled embedding model reads English only, so Chinese export-control
terms are translated through the glossary (视同出口 → deemed export) and the
dense retriever gets that English form, while the lexical retriever gets the
original words (segmented by jieba) plus the translations. A question that
names a glossary term also carries the term's short definition to the dense
retriever, which pulls it toward the passages that define or apply the term.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.glossary import Glossary
from bot.indexing.lexical import Tokenizer
from bot.retrieval import cedict
from bot.retrieval.cedict import gloss
from bot.retrieval.question import Question
from bot.text import CJK, detect_language, simplified, split_sentences

LATIN_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .,'’&()§/-]*[A-Za-z0-9)]|[A-Za-z0-9]")
DEFINED_TERMS = 2
QUESTION_WORDS = {
    "为什么": "why",
    "什么时候": "when",
    "哪些": "which",
    "哪个": "which",
    "谁": "who",
    "如何": "how",
    "怎么": "how",
    "什么": "what",
    "是否": "whether",
    "吗": "whether",
}


@dataclass(frozen=True)
class Query:
    """A parsed question and the forms each retriever reads: `dense` (English, with the short
    definitions of the glossary terms it names), `lexical` (its words plus their translations)
    and the glossary `terms` found in it."""

    question: Question
    dense: str
    lexical: str
    terms: tuple[str, ...] = ()

    @property
    def original(self) -> str:
        return self.question.text

    @property
    def lang(self) -> str:
        return self.question.lang


MONTHS = "January February March April May June July August September October November December".split()
CHINESE_DATE = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?")


def _english_date(match: re.Match[str]) -> str:
    year, month, day = match.group(1), int(match.group(2)), match.group(3)
    if not 1 <= month <= 12:
        return match.group(0)
    text = MONTHS[month - 1] + (f" {int(day)}" if day else "")
    return f" {text}, {year} " if year else f" {text} "


def translate(question: str, glossary: Glossary, tokenizer: Tokenizer) -> tuple[str, list[str]]:
    """English form of a Chinese question: glossary terms, Latin words kept, other words glossed.

    Terms are matched on the tokenizer's word boundaries (it knows the glossary's
    Chinese terms), so 公开发布 is not misread as containing 开发; dates such as
    2026年6月30日 become "June 30, 2026"; words the glossary does not know get their
    CC-CEDICT meaning (see `cedict.py`).
    """
    terms = glossary.chinese_terms()
    words = [w for w in tokenizer.words(CHINESE_DATE.sub(_english_date, question)) if w.strip()]
    found: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(4, len(words) - i), 0, -1):
            window = "".join(words[i : i + size])
            entry = terms.get(window)
            if entry is not None:
                found.append(entry.term)
            elif window in QUESTION_WORDS:
                rest.append(QUESTION_WORDS[window])
            else:
                continue
            i += size
            break
        else:
            rest.append(words[i])
            i += 1
    latin = " ".join(m.group(0) for m in LATIN_RUN.finditer(" ".join(rest)))
    glosses = [g for g in (gloss(w, cedict.dictionary()) for w in rest) if g]
    english = " ".join(dict.fromkeys([*found, latin, *glosses])).strip()
    return english, list(dict.fromkeys(found))


def _first_sentence(text: str) -> str:
    spans = split_sentences(text)
    return text[spans[0][0] : spans[0][1]] if spans else text


def expand(question: Question, glossary: Glossary, tokenizer: Tokenizer, context: str | None = None) -> Query:
    """The question as each retriever reads it: its instruction-free text expanded and, when
    Chinese, translated; a follow-up's `context` (the thread's first question) goes first."""
    dense, lexical, terms = _forms(question.stripped, glossary, tokenizer, context)
    return Query(question, dense, lexical, terms)


def english(text: str, glossary: Glossary, tokenizer: Tokenizer) -> str:
    """A Chinese text as the dense retriever reads it (translated); others as they are."""
    return _forms(text, glossary, tokenizer)[0] if detect_language(text) == "zh" else text


def _forms(
    question: str, glossary: Glossary, tokenizer: Tokenizer, context: str | None = None
) -> tuple[str, str, tuple[str, ...]]:
    """(dense, lexical, glossary terms) of a question's text."""
    chinese = CJK.search(question) is not None
    question = simplified(question)  # Traditional characters are read as Simplified
    english, translated = translate(question, glossary, tokenizer) if chinese else (question, [])
    named = [e for e in glossary.mentioned(english or question)]
    definitions = " ".join(_first_sentence(e.definition) for e in named[:DEFINED_TERMS])
    dense = f"{english or question} {definitions}".strip()
    lexical = f"{question} {english}".strip() if chinese else question
    if context:
        dense = f"{context} {dense}"
        lexical = f"{context} {lexical}"
    terms = tuple(dict.fromkeys([*translated, *(e.term for e in named)]))
    return dense, lexical, terms
