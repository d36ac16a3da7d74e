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

ASKS_FOR_BASIS = re.compile(
    r"legal (?:basis|authority|grounds?)|what (?:law|statute|authority)|which (?:law|statute|authority)|"
    r"authorit(?:y|ies)\b.*\b(?:use|cite|rel(?:y|ied)|rest)|statutory|依据|授权|哪条法律|什么法律",
    re.IGNORECASE,
)


def warnings_for(
    question: str,
    citations: tuple[Citation, ...],
    passages: tuple[Passage, ...],
    lang: str,
    *,
    today: date,
    glossary: Glossary | None = None,
    stale_after_days: int = 30,
) -> tuple[Notice, ...]:
    """The notices for an answer; statuses and "as of" dates are worded against `today`."""
    glossary = glossary or Glossary()
    cited = _unique(c.passage.document for c in citations)
    notices: list[Notice] = []
    not_public = any(d.legal_basis == "not_public" for d in cited) or (
        ASKS_FOR_BASIS.search(question) is not None
        and any(p.document.legal_basis == "not_public" for p in passages)
    )
    if not_public:
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
    notices.extend(status_notices(citations, glossary, today, lang))
    if cited and all(d.source_type in ("reporting", "commentary") for d in cited):
        notices.append(Notice("reporting_only", message("reporting_only", lang)))
    notices.extend(currency_notices(question, citations, glossary, today, lang, stale_after_days))
    return tuple(notices)


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
