"""What an answer leads with, and in which language each of its sentences is shown.

The question analysis decides the lead: a definition question leads with the glossary definition
(the `/define` text, cited to the entry and its official pinpoint), then the sentence of law that
states it; a status question leads with the dated status sentence of the thing asked about, worded
against today; a fact or yes/no question leads with the sentence the sentence scorer ranks first
(the one holding the fact, or deciding the question). Every shown sentence is an exact quote, a
reviewed Chinese twin of one, or a fixed template filled from a typed record (a glossary entry, a
status timeline), so nothing unverified is said.

A Chinese asker reads the Chinese twin of each quote, a glossary entry's Chinese definition, and an
official text (which has no twin: the law is English) in English after one line of Chinese framing
built from the glossary terms it uses. A translated sentence is followed by the exact English it
translates, marked 原文 under the same number: the translation is what a reader reads, the English
is what it rests on (and the words to search or cite), so it is shown as the sentence's basis, not
as another sentence. No other sentence is shown twice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from bot.answering.citations import Quote, pinpoint
from bot.answering.extractive import MAX_CHARS, MAX_SENTENCES, Pick, sentence_candidates
from bot.answering.labels import message, source_label
from bot.answering.timeline import document_status, entry_status, tracked_entry
from bot.corpus.glossary_file import GlossaryEntry
from bot.glossary import Glossary
from bot.models import Passage
from bot.ranking.question import QuestionAnalysis
from bot.text import CJK, detect_language

LAW = ("statute", "regulation", "rule")  # texts that state a definition in law
STOPWORDS = frozenset(
    "the and for has have was were are is its it this that with from still yet now today".split()
)
FRAMING_TERMS = 3


@dataclass(frozen=True)
class Lead:
    """The answer's sentences in order, the status sentences it states itself (so no notice
    repeats them) and the English it still shows (for a Chinese reader's term list)."""

    quotes: tuple[Quote, ...]
    stated: tuple[str, ...] = ()
    english_shown: str = ""

    def english(self, text: str) -> str:
        """The English words of the answer: all of `text` for an English answer, else the quotes
        a Chinese answer leaves in English."""
        return text if not CJK.search(text) else self.english_shown


def lead_quotes(
    analysis: QuestionAnalysis,
    picks: Sequence[Pick],
    passages: Sequence[Passage],
    glossary: Glossary,
    lang: str,
    today: date,
    defined: Sequence[str] = (),
    asked: str = "",
) -> Lead:
    """The answer's sentences: the lead the question type calls for, then the scored picks.
    `asked` is the question in English words (a Chinese one as translated), to find the source
    a status question is about."""
    ordered = list(picks)
    first: list[Quote] = []
    stated: list[str] = []
    if analysis.lead == "definition":
        found = _definition(defined, passages, glossary)
        if found is not None:
            passage, entry = found
            first.append(_entry_quote(passage, entry, lang))
            ordered = [p for p in ordered if p.passage.chunk.term != entry.term]
            law = next((p for p in ordered if p.passage.document.source_type in LAW), None)
            if law is not None:
                ordered.remove(law)
                ordered.insert(0, law)
    elif analysis.lead == "status":
        found_status = _status(ordered, passages, glossary, today, lang, asked)
        if found_status is not None:
            quote, line, pick = found_status
            first.append(quote)
            stated.append(line)
            if pick is not None:
                ordered.remove(pick)
                ordered.insert(0, pick)
    quotes = [
        *first,
        *(q for q in (_shown(p.passage, p.start, p.text, glossary, lang) for p in ordered) if q),
    ]
    kept = _framed_once(_fit(_once(quotes)))
    english = " ".join(q.quote for q in kept if not q.shown and detect_language(q.quote) == "en")
    return Lead(tuple(kept), tuple(stated), english)


def _definition(
    defined: Sequence[str], passages: Sequence[Passage], glossary: Glossary
) -> tuple[Passage, GlossaryEntry] | None:
    """The retrieved glossary passage of the first term the question asks to define, whose text
    holds the entry's whole definition."""
    for term in defined:
        entry = glossary.get(term)
        if entry is None:
            continue
        for passage in passages:
            if passage.chunk.term == entry.term and entry.definition in passage.chunk.text:
                return passage, entry
    return None


def _entry_quote(passage: Passage, entry: GlossaryEntry, lang: str) -> Quote:
    """A glossary entry's whole definition, as its passage states it; a Chinese reader gets the
    entry's own Chinese definition."""
    offset = passage.chunk.text.index(entry.definition)
    if lang == "zh" and entry.definition_zh:
        return Quote(
            passage, entry.definition, offset, shown=entry.definition_zh, original=_original(entry.definition)
        )
    return Quote(passage, entry.definition, offset)


def _status(
    picks: Sequence[Pick],
    passages: Sequence[Passage],
    glossary: Glossary,
    today: date,
    lang: str,
    asked: str,
) -> tuple[Quote, str, Pick | None] | None:
    """The status sentence of the source the question asks about: of the chosen (then retrieved)
    sources that record a status, the one whose title shares most words with the question, the
    best ranked on a tie; as a quote of that source's sentence shown as the status line, and the
    pick it came from."""
    found: list[tuple[Quote, str, Pick | None]] = []
    for pick in picks:
        line = _status_line(pick.passage, glossary, today, lang)
        if line:
            found.append((Quote(pick.passage, pick.text, pick.start, shown=line), line, pick))
    for passage in passages:
        line = _status_line(passage, glossary, today, lang)
        candidates = sentence_candidates((passage,))
        if line and candidates:
            _, start, end, _ = candidates[0]
            found.append((Quote(passage, passage.chunk.text[start:end], start, shown=line), line, None))
    if not found:
        return None
    words = _words(asked)
    return max(found, key=lambda f: len(words & _words(_named(f[0].passage))))  # first of the best


def _named(passage: Passage) -> str:
    """What a source is about, in its own words: its title, or a glossary entry's term."""
    return passage.chunk.term or passage.document.title


def _words(text: str) -> set[str]:
    """The content words of a text (three letters or more, lowercase), for matching a question
    with a title."""
    return {w for w in re.findall(r"[a-z0-9]{3,}", text.lower()) if w not in STOPWORDS}


def _status_line(passage: Passage, glossary: Glossary, today: date, lang: str) -> str | None:
    term = passage.chunk.term
    if term:
        return entry_status(tracked_entry(glossary, term), today, lang)
    return document_status(passage.document, today, lang)


def _shown(passage: Passage, start: int, quote: str, glossary: Glossary, lang: str) -> Quote | None:
    """One chosen sentence as the asker reads it, or None when it only restates another."""
    chinese = detect_language(quote) == "zh"  # an English sentence naming 视同出口 is English
    term = passage.chunk.term
    if term:
        entry = glossary.get(term)
        if chinese:  # the Chinese half of a glossary entry restates its English definition
            return None
        if entry is not None and entry.definition in passage.chunk.text:
            return _entry_quote(passage, entry, lang)
        return Quote(passage, quote, start)
    if lang != "zh" or chinese:
        return Quote(passage, quote, start)
    twin = passage.document.twin(quote)
    if twin:
        return Quote(passage, quote, start, shown=twin, original=_original(quote))
    return Quote(passage, quote, start, framing=framing_zh(quote, passage, glossary, start))


def _original(quote: str) -> str:
    """The line after a Chinese translation: the exact English sentence it translates."""
    return message("original", "zh", quote=quote)


def framing_zh(quote: str, passage: Passage, glossary: Glossary, start: int = 0) -> str:
    """One line of Chinese before an English quote that has no twin: where it is from (an official
    text's pinpoint, else the kind of source) and the Chinese names of the glossary terms it
    uses (a fixed template)."""
    doc = passage.document
    if doc.source_type in LAW:
        source = f" {pinpoint(doc, passage.chunk, start)} "
    else:
        source = source_label(doc.source_type, "zh")
    names = [e.zh[0] for e in glossary.mentioned(quote) if e.zh][:FRAMING_TERMS]
    if names:
        return message("framing_terms", "zh", source=source, terms="、".join(names))
    return message("framing", "zh", source=source)


def _once(quotes: list[Quote]) -> list[Quote]:
    """Each shown sentence once: a second quote that would show the same words is dropped."""
    seen: set[str] = set()
    kept: list[Quote] = []
    for quote in quotes:
        key = " ".join((quote.shown or quote.quote).split())
        if key in seen:
            continue
        seen.add(key)
        kept.append(quote)
    return kept


def _fit(quotes: list[Quote]) -> list[Quote]:
    """The lead, then as many of the rest as fit in `MAX_SENTENCES` and `MAX_CHARS`."""
    kept = quotes[:1]
    used = sum(len(q.shown or q.quote) for q in kept)
    for quote in quotes[1:]:
        size = len(quote.shown or quote.quote) + len(quote.framing)
        if len(kept) == MAX_SENTENCES or used + size > MAX_CHARS:
            continue
        kept.append(quote)
        used += size + 5
    return kept


def _framed_once(quotes: list[Quote]) -> list[Quote]:
    """One framing line per run of framed English quotes from the same document; the Chinese
    after such a run starts on a new line."""
    kept: list[Quote] = []
    framed = ""  # the document of the framed English run just shown, if any
    for quote in quotes:
        if quote.framing:
            if framed == quote.passage.document.id:
                quote = replace(quote, framing="")
            framed = quote.passage.document.id
        elif framed:
            quote = replace(quote, new_line=True)
            framed = ""
        kept.append(quote)
    return kept
