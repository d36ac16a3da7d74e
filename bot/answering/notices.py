"""Warnings shown before an answer: what kind of ground the answer stands on.

Named `notices` (the `Notice` they produce) so it never shadows the standard `warnings` module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from bot.answering.citations import Quote
from bot.answering.labels import message
from bot.answering.timeline import currency_notices, status_notices
from bot.corpus.glossary_file import GlossaryEntry
from bot.corpus.source_changes import SourceChange
from bot.glossary import Glossary
from bot.models import Citation, Document, Notice, Passage
from bot.ranking.question import QuestionAnalysis, states_basis

BASIS_REACH = 3  # a basis question is about a not-public action when one is among the top passages


def warnings_for(
    analysis: QuestionAnalysis,
    quotes: Sequence[Quote],
    citations: tuple[Citation, ...],
    passages: tuple[Passage, ...],
    lang: str,
    *,
    today: date,
    glossary: Glossary | None = None,
    stale_after_days: int = 30,
    stated: tuple[str, ...] = (),
    asked: str = "",
) -> tuple[Notice, ...]:
    """The notices for an answer made of `quotes` (numbered as `citations`) to the question
    `asked` (with its English search form); statuses and "as of" dates are worded against
    `today`. Every notice names only sources the answer cites; a status sentence the answer
    already states (`stated`) is not repeated."""
    glossary = glossary or Glossary()
    cited = _unique(c.passage.document for c in citations)
    notices: list[Notice] = []
    if rests_on_not_public(analysis, quotes, passages, glossary, asked):
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
    analysis: QuestionAnalysis,
    quotes: Sequence[Quote],
    passages: tuple[Passage, ...],
    glossary: Glossary,
    asked: str = "",
) -> bool:
    """Whether the answer's claims rest on an action whose legal basis is not public.

    A sentence is about that action when it names it or what its glossary entry lists as part of
    it (`Glossary.not_public_action`); which document it came from does not decide, so an explainer about the
    action quoted for what the EAR define says no more than the EAR do. The answer rests on the
    action when its lead sentence is about it, when at least half of its sentences are, when a
    sentence about it says what it invoked or relied on, or when the question asks what an action
    rests on in law and names it, or the answer or the top passages are about such an action. A glossary
    definition that mentions the action in passing is about its term: it counts towards the half,
    but neither leads nor states a basis alone. An answer that defines a term with a public basis
    (a definition question, not a yes/no one, led by that term's entry) carries no warning unless
    the question (`asked`) names the action or asks what something rests on in law."""
    if not quotes:
        return False
    action = glossary.not_public_action
    # A definition speaks for its term: it decides alone only for the action's own entries.
    alone = [not q.passage.chunk.term or glossary.get(q.passage.chunk.term) in action for q in quotes]
    # "What is X?" asks for a term; "Does X count as Y?" asks about a situation, and goes on below.
    defines_public_term = analysis.lead == "definition" and not analysis.yesno and not alone[0]
    if defines_public_term and not analysis.basis and not _names_action(asked, glossary, action):
        return False
    about = [_names_action(q.quote, glossary, action) for q in quotes]
    if about[0] and alone[0]:
        return True
    if 2 * sum(about) >= len(about):
        return True
    if any(hit and own and states_basis(q.quote) for hit, own, q in zip(about, alone, quotes, strict=True)):
        return True
    top = any(p.document.legal_basis == "not_public" for p in passages[:BASIS_REACH])
    return analysis.basis and (top or any(about) or _names_action(asked, glossary, action))


def _names_action(sentence: str, glossary: Glossary, action: frozenset[GlossaryEntry]) -> bool:
    return any(e in action for e in glossary.mentioned(sentence))


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
