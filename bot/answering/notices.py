"""Warnings shown before an answer: what kind of ground the answer stands on.

Named `notices` (the `Notice` they produce) so it never shadows the standard `warnings` module.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from bot.answering.labels import message
from bot.answering.timeline import currency_notices, status_notices
from bot.corpus.source_changes import SourceChange
from bot.glossary import Glossary
from bot.models import Citation, Document, Notice, Passage
from bot.ranking.question import QuestionAnalysis

BASIS_REACH = 3  # a basis question is about a not-public action when one is among the top passages


def warnings_for(
    analysis: QuestionAnalysis,
    text: str,
    citations: tuple[Citation, ...],
    passages: tuple[Passage, ...],
    lang: str,
    *,
    today: date,
    glossary: Glossary | None = None,
    stale_after_days: int = 30,
    stated: tuple[str, ...] = (),
) -> tuple[Notice, ...]:
    """The notices for an answer with `text`; statuses and "as of" dates are worded against
    `today`. Every notice names only sources the answer cites; a status sentence the answer
    already states (`stated`) is not repeated."""
    glossary = glossary or Glossary()
    cited = _unique(c.passage.document for c in citations)
    notices: list[Notice] = []
    if rests_on_not_public(analysis, text, citations, passages):
        notices.append(Notice("legal_basis_not_public", message("legal_basis_not_public", lang)))
    bills = [d for d in cited if d.source_type == "bill" or (d.status and d.status.state == "proposed")]
    if bills:
        titles = "; ".join(d.citation or d.title for d in bills)
        plural = len(bills) > 1
        notices.append(
            Notice(
                "not_law",
                message(
                    "not_law",
                    lang,
                    titles=titles,
                    verb="are bills" if plural else "is a bill",
                    it="they" if plural else "it",
                    them="them" if plural else "it",
                ),
            )
        )
    notices.extend(n for n in status_notices(citations, glossary, today, lang) if n.message not in stated)
    if cited and all(d.source_type in ("reporting", "commentary") for d in cited):
        notices.append(Notice("reporting_only", message("reporting_only", lang)))
    notices.extend(currency_notices(analysis, citations, glossary, today, lang, stale_after_days))
    return tuple(notices)


def rests_on_not_public(
    analysis: QuestionAnalysis, text: str, citations: tuple[Citation, ...], passages: tuple[Passage, ...]
) -> bool:
    """Whether the answer's claims rest on an action whose legal basis is not public: its lead
    sentence or at least half of its sentences cite a source about that action, or the question
    asks what an action rests on in law and such a source is among the top passages. An
    explainer about that action cited for one supporting sentence does not make a definition or
    a rule's text rest on it."""
    if not citations:
        return False
    hidden = {c.n for c in citations if c.passage.document.legal_basis == "not_public"}
    marks = [int(n) for n in MARK.findall(text)]
    if marks and (marks[0] in hidden or 2 * sum(m in hidden for m in marks) >= len(marks)):
        return True
    return analysis.basis and any(p.document.legal_basis == "not_public" for p in passages[:BASIS_REACH])


MARK = re.compile(r"\[(\d+)\]")


def _unique(docs: object) -> list[Document]:
    seen: dict[str, Document] = {}
    for doc in docs:  # type: ignore[attr-defined]
        seen.setdefault(doc.id, doc)
    return list(seen.values())


SOURCE_CHANGED = (
    "{title}: the official text of {citation} changed on {date}, after this explainer was written "
    "(as of {as_of}); check the current text.",
    "{title}：{citation} 的官方文本已于 {date} 修改，晚于本解释文章的撰写时间"
    "（截至 {as_of}）；请核对现行文本。",
)


def source_changed(
    citations: tuple[Citation, ...], changes: Mapping[str, tuple[SourceChange, ...]], lang: str
) -> tuple[Notice, ...]:
    """One notice per cited curated document whose synced official source changed after its as_of."""
    return tuple(
        Notice(
            "source_changed",
            SOURCE_CHANGED[lang == "zh"].format(
                title=doc.title,
                citation=change.citation,
                date=change.changed_on.isoformat(),
                as_of=doc.as_of.isoformat() if doc.as_of else "?",
            ),
        )
        for doc in _unique(c.passage.document for c in citations)
        for change in changes.get(doc.id, ())
    )
