"""Answers by type (definition, status, fact, yes/no), Chinese twins, and the warnings that belong.

Built from small in-memory documents (with Chinese twins, as the twins contract stores them) so
each rule is seen on its own; the end-to-end answers are in test_answer.py.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.answering.citations import Quote, number_citations
from bot.answering.extractive import Pick
from bot.answering.lead import lead_quotes
from bot.answering.notices import rests_on_not_public, warnings_for
from bot.corpus.glossary_file import GlossaryEntry
from bot.corpus.references import parse_refs
from bot.glossary import Glossary
from bot.models import Chunk, Citation, Document, Passage, Status, text_of, twin_key
from bot.ranking.question import analyse, asks_about_present

TODAY = date(2026, 12, 1)
DEFINITION = (
    "A deemed export is a release of controlled technology to a foreign person inside the United States. "
    "It counts as an export to that person's home country."
)
DEFINITION_ZH = "视同出口指在美国境内向外国人释放受控技术，视为向其本国出口。"
ENTRY = GlossaryEntry(
    term="deemed export",
    aliases=("deemed exports",),
    zh=("视同出口",),
    definition=DEFINITION,
    citation="15 CFR 734.13(b)",
    related=(),
    definition_zh=DEFINITION_ZH,
)
FOREIGN = GlossaryEntry(
    term="foreign person", aliases=(), zh=("外国人",), definition="x", citation="", related=()
)
GLOSSARY = Glossary((ENTRY, FOREIGN))
GREEN = "Green-card holders count as U.S. persons, so sharing technology with them is not a deemed export."
GREEN_ZH = "绿卡持有人属于美国人，因此与他们分享技术不属于视同出口。"
LICENCE = "A company needs a licence for a deemed export only when the same export would need one."
LICENCE_ZH = "只有当同样的出口需要许可证时，公司才需要为视同出口申请许可证。"
RULE = "(b) Any release in the United States of technology to a foreign person is a deemed export."
DIRECTIVE = "On June 12, 2026 the Commerce Department told the company to stop serving foreign persons."


def _passage(doc: Document, text: str, rank: int, *, term: str = "", source: str = "") -> Passage:
    chunk = Chunk(f"{doc.id}#0", doc.id, "", text, 0, len(text), 20, term=term, source=source)
    return Passage(chunk, doc, rank, 1.0 / rank)


def _pick(passage: Passage, sentence: str, score: float) -> Pick:
    start = passage.chunk.text.index(sentence)
    return Pick(passage, start, start + len(sentence), score)


GLOSSARY_DOC = Document(
    "glossary", "Basis glossary", "", "g.yaml", "0", source_type="glossary", citation="Basis glossary"
)
GLOSSARY_TEXT = f"{DEFINITION}\n\n中文：视同出口。{DEFINITION_ZH}\n\nCitation: 15 CFR 734.13(b)."
EXPLAINER = Document(
    "explainer",
    "Deemed exports in plain words",
    "",
    "e.md",
    "0",
    citation="15 CFR 734.13(b)",
    url="https://example.org/explainer",
    legal_basis="public",
    twins=((twin_key(GREEN), GREEN_ZH), (twin_key(LICENCE), LICENCE_ZH)),
)
REGULATION = Document(
    "ecfr", "15 CFR Part 734", "", "r.md", "0", source_type="regulation", citation="15 CFR 734.13(b)"
)
DIRECTIVE_DOC = Document(
    "directive",
    "The June 2026 directive",
    "",
    "d.md",
    "0",
    citation="Commerce letter of 2026-06-12 (unpublished)",
    legal_basis="not_public",
    status=Status("rescinded", date(2026, 6, 30)),
)
GLOSSARY_PASSAGE = _passage(GLOSSARY_DOC, GLOSSARY_TEXT, 3, term="deemed export", source="15 CFR 734.13(b)")
EXPLAINER_PASSAGE = _passage(EXPLAINER, f"{GREEN} {LICENCE}", 1)
RULE_PASSAGE = _passage(REGULATION, RULE, 2)
DIRECTIVE_PASSAGE = _passage(DIRECTIVE_DOC, DIRECTIVE, 4)
PASSAGES = (EXPLAINER_PASSAGE, RULE_PASSAGE, GLOSSARY_PASSAGE, DIRECTIVE_PASSAGE)
PICKS = [
    _pick(EXPLAINER_PASSAGE, GREEN, 0.9),
    _pick(EXPLAINER_PASSAGE, LICENCE, 0.8),
    _pick(RULE_PASSAGE, RULE, 0.7),
    _pick(GLOSSARY_PASSAGE, DEFINITION_ZH, 0.6),
]


def _answer(question: str, lang: str = "en", picks: list[Pick] = PICKS) -> tuple[str, tuple[Citation, ...]]:
    analysis = analyse(question)
    defined = ("deemed export",) if analysis.answer_type == "definition" else ()
    lead = lead_quotes(analysis, picks, PASSAGES, GLOSSARY, lang, TODAY, defined)
    lines, citations = number_citations(lead.quotes)
    return text_of(lines), citations


def _marked(text: str) -> list[tuple[str, int]]:
    return [(s.strip(), int(n)) for s, n in re.findall(r"(.+?) \[(\d+)\]", text)]


def test_a_definition_question_leads_with_the_glossary_definition_then_the_law() -> None:
    text, citations = _answer("What is a deemed export?")
    (first, n1), (second, n2), *_ = _marked(text)
    assert first == DEFINITION and citations[n1 - 1].passage.chunk.term == "deemed export"
    assert citations[n1 - 1].pinpoint == "Basis glossary: deemed export (15 CFR 734.13(b))"
    assert second == RULE and citations[n2 - 1].passage.document.source_type == "regulation"
    assert DEFINITION_ZH not in text  # the entry's Chinese half is not a second copy of the fact


def test_a_fact_or_yes_no_question_leads_with_the_best_scored_sentence() -> None:
    for question in ("Who needs a licence for a deemed export?", "Do green-card holders need a licence?"):
        assert analyse(question).lead in ("fact", "yesno")
        text, _ = _answer(question)
        assert _marked(text)[0][0] == GREEN
        assert DEFINITION_ZH not in text


def test_a_status_question_leads_with_the_dated_status_against_today() -> None:
    picks = [_pick(EXPLAINER_PASSAGE, GREEN, 0.9), _pick(DIRECTIVE_PASSAGE, DIRECTIVE, 0.5)]
    text, citations = _answer("Is the directive still in force?", picks=picks)
    (status, n), (quoted, m), *_ = _marked(text)
    assert status == "Status recorded in “The June 2026 directive”: rescinded on 2026-06-30."
    assert quoted == DIRECTIVE and n == m  # the sentence it rests on shares its number
    assert citations[n - 1].quote == DIRECTIVE  # the evidence stays an exact quote
    analysis = analyse("Is the directive still in force?")
    lead = lead_quotes(analysis, picks, PASSAGES, GLOSSARY, "en", TODAY)
    notices = warnings_for(
        analysis, lead.quotes, citations, PASSAGES, "en", today=TODAY, stated=lead.stated, glossary=GLOSSARY
    )
    assert status not in {n.message for n in notices}  # stated once, in the answer


def test_a_chinese_question_is_answered_with_twins_and_framed_official_text() -> None:
    text, citations = _answer("视同出口是什么意思？", "zh")
    lines = text.split("\n")
    # A translation is followed by the exact English it translates, marked as its original.
    assert lines[0] == f"{DEFINITION_ZH} [1]"
    assert lines[1] == f"原文：“{DEFINITION}”"
    # The regulation that states it in law has no twin (the law is English): it stays in English
    # after one line of Chinese framing; the explainer's sentences are their reviewed twins.
    assert lines[2] == "以下为 15 CFR 734.13(b) 的英文原文，涉及“外国人、视同出口”："
    assert lines[3] == f"{RULE} [2]"
    assert lines[4:] == [f"{GREEN_ZH} [3]", f"原文：“{GREEN}”", f"{LICENCE_ZH} [3]", f"原文：“{LICENCE}”"]
    for english in (GREEN, LICENCE, DEFINITION, RULE):  # each English sentence once
        assert text.count(english) == 1
    for citation in citations:  # the evidence is the English sentence
        assert citation.quote in citation.passage.chunk.text


def test_a_chinese_answer_lists_only_the_terms_its_english_quotes_use() -> None:
    analysis = analyse("视同出口是什么意思？")
    lead = lead_quotes(analysis, PICKS, PASSAGES, GLOSSARY, "zh", TODAY, ("deemed export",))
    text = text_of(number_citations(lead.quotes)[0])
    assert lead.english(text) == RULE
    assert [e.term for e in GLOSSARY.mentioned(lead.english(text))] == ["foreign person", "deemed export"]


def test_traditional_input_is_read_as_simplified() -> None:
    assert analyse("視同出口是什麼意思？").lead == "definition"
    assert analyse("這條規則目前還有效嗎？").present
    assert GLOSSARY.get("視同出口") is ENTRY


@pytest.mark.parametrize(
    "question",
    [
        "Has the bill passed yet?",
        "Is the rule still suspended?",
        "Is it in force today?",
        "Does it currently apply?",
        "该法案已经通过了吗？",
        "这条规则仍然有效吗？",
        "目前的状态是什么？",
        "這條規則仍然有效嗎？",
    ],
)
def test_present_cues_in_both_languages(question: str) -> None:
    assert asks_about_present(question) and analyse(question).present


@pytest.mark.parametrize("question", ["What is a deemed export?", "什么是视同出口？", "Who wrote the rule?"])
def test_no_present_cue(question: str) -> None:
    assert not asks_about_present(question)


ACTION = GlossaryEntry(
    term="export control directive",
    aliases=("directive", "Commerce letter"),
    zh=("出口管制指令",),
    definition="The 2026 directive is an order whose text was never published.",
    citation="",
    related=(),
    legal_basis="not_public",
)
ACTION_GLOSSARY = Glossary((ENTRY, FOREIGN, ACTION))
NAMES = "The directive was lifted on June 30, 2026."
STATES = "The Commerce letter reportedly relied on 15 CFR 744.22."
IN_PASSING = "A deemed export counts as an export; the directive reached foreign persons anywhere."
REPORT_DOC = Document("report", "Reporting on the directive", "", "n.md", "0", source_type="reporting")


def _quotes(*sentences: str, term_first: bool = False) -> list[Quote]:
    quotes = []
    for rank, sentence in enumerate(sentences, start=1):
        glossary = term_first and rank == 1
        doc = GLOSSARY_DOC if glossary else REPORT_DOC
        quotes.append(
            Quote(_passage(doc, sentence, rank, term="deemed export" if glossary else ""), sentence)
        )
    return quotes


def test_the_legal_basis_warning_only_when_the_answer_rests_on_the_not_public_action() -> None:
    definition = analyse("What is a deemed export?")
    rests = lambda quotes, top=PASSAGES, analysis=definition: rests_on_not_public(  # noqa: E731
        analysis, quotes, top, ACTION_GLOSSARY
    )
    # Sentences quoted from an explainer about the directive that do not name it: no warning.
    from_directive_doc = [Quote(DIRECTIVE_PASSAGE, DIRECTIVE), Quote(EXPLAINER_PASSAGE, GREEN)]
    assert not rests(from_directive_doc)
    # Its lead sentence, or half its sentences, name the action: a warning.
    assert rests(_quotes(NAMES, GREEN, LICENCE))
    assert rests(_quotes(GREEN, NAMES))
    assert not rests(_quotes(GREEN, LICENCE, NAMES))
    # A sentence about the action that says what it relied on warns wherever it stands.
    assert rests(_quotes(GREEN, LICENCE, RULE, STATES))
    # A term's definition mentioning the action in passing is about the term: it does not lead …
    yesno = analyse("Does a deemed export need a licence?")
    assert not rests(_quotes(IN_PASSING, GREEN, LICENCE, term_first=True), analysis=yesno)
    # … but counts towards the half.
    assert rests(_quotes(IN_PASSING, NAMES, term_first=True), analysis=yesno)
    # A question about what an action rests on in law, with the directive among the top passages.
    asked = analyse("Can they do this without a new law?")
    assert rests(_quotes(GREEN, LICENCE), (DIRECTIVE_PASSAGE, EXPLAINER_PASSAGE), asked)
    assert not rests(_quotes(GREEN, LICENCE), (EXPLAINER_PASSAGE, RULE_PASSAGE), asked)
    assert not rests([])


def test_an_answer_about_the_action_warns_once_the_glossary_marks_it() -> None:
    analysis = analyse("What did the directive order?")
    quotes = _quotes(NAMES, STATES)
    citations = number_citations(quotes)[1]
    codes = [
        n.code for n in warnings_for(analysis, quotes, citations, (), "en", today=TODAY, glossary=GLOSSARY)
    ]
    assert "legal_basis_not_public" not in codes  # nothing in this glossary is an unpublished action
    marked = warnings_for(analysis, quotes, citations, (), "en", today=TODAY, glossary=ACTION_GLOSSARY)
    assert "legal_basis_not_public" in [n.code for n in marked]


def test_an_english_sentence_naming_a_chinese_term_is_english() -> None:
    sentence = "A deemed export (视同出口) happens when technology is released to a foreign person."
    doc = Document("glossed", "Glossed", "", "x.md", "0", citation="15 CFR 734.13(a)(2)")
    passage = _passage(doc, sentence, 1)
    lead = lead_quotes(
        analyse("谁需要许可证？"), [_pick(passage, sentence, 1.0)], (passage,), GLOSSARY, "zh", TODAY
    )
    (quote,) = lead.quotes
    assert quote.framing == "以下为解释文章的英文原文，涉及“外国人、视同出口”："
    assert lead.english_shown == sentence


def test_a_status_question_leads_with_the_status_of_the_source_it_names() -> None:
    bill = Document(
        "bill",
        "A bill on chip exports",
        "",
        "b.md",
        "0",
        source_type="bill",
        citation="H.R. 1 (119th Congress)",
        status=Status("proposed", date(2026, 1, 13), as_of=date(2026, 6, 1)),
    )
    sentence = "Because the bill was never enacted, it cannot be the basis of any control in force."
    bill_passage = _passage(bill, sentence, 1)
    picks = [_pick(bill_passage, sentence, 0.9), _pick(DIRECTIVE_PASSAGE, DIRECTIVE, 0.5)]
    question = "Is the directive still in force?"
    lead = lead_quotes(analyse(question), picks, PASSAGES, GLOSSARY, "en", TODAY, asked=question)
    assert lead.quotes[0].passage.document.id == "directive"
    assert lead.stated == ("Status recorded in “The June 2026 directive”: rescinded on 2026-06-30.",)


def test_x_is_what_is_a_definition_question_in_chinese() -> None:
    assert analyse("实体清单是什么？").lead == "definition"
    assert analyse("實體清單是什麼？").lead == "definition"
    assert analyse("这项指令的依据是什么？").answer_type == "citation"


def test_a_definition_of_a_public_term_carries_no_legal_basis_warning() -> None:
    """Issue 20's target: no warning on definition questions of terms with a public basis, even when
    the definition's supporting sentences talk about the directive, unless the question names the
    directive or asks what something rests on in law."""
    definition = analyse("What is a deemed export?")
    quotes = _quotes(IN_PASSING, NAMES, STATES, term_first=True)
    assert not rests_on_not_public(definition, quotes, PASSAGES, ACTION_GLOSSARY, "What is a deemed export?")
    asked = "What is a deemed export under the directive?"
    assert rests_on_not_public(analyse(asked), quotes, PASSAGES, ACTION_GLOSSARY, asked)
    # The action's own entry leading a definition answer still warns.
    own = [Quote(_passage(GLOSSARY_DOC, NAMES, 1, term="export control directive"), NAMES)]
    assert rests_on_not_public(analyse("What is the directive?"), own, PASSAGES, ACTION_GLOSSARY)


def test_a_yes_no_question_about_a_situation_is_not_a_term_definition() -> None:
    """ "Does X count as an export?" asks whether a situation is one: the usual rules decide."""
    situation = analyse("Does serving foreign users count as a deemed export?")
    assert situation.lead == "definition" and situation.yesno
    quotes = _quotes(IN_PASSING, NAMES, STATES, term_first=True)
    assert rests_on_not_public(situation, quotes, PASSAGES, ACTION_GLOSSARY, "Does it count?")


def test_a_related_term_with_an_official_text_of_its_own_is_not_the_action() -> None:
    """The directive's entry lists the is-informed letter as related, but that tool's basis is
    public (15 CFR 744.21(b), ...): defining it is not explaining the unpublished action, while
    a related model or exemption that names no official text stays part of the action."""
    tool = GlossaryEntry(
        term="is-informed letter",
        aliases=(),
        zh=("告知函",),
        definition="An is-informed letter tells one exporter that a license is required.",
        citation="15 CFR 744.21(b); 50 U.S.C. 4813(a)(15)",
        related=(),
        refs=parse_refs("15 CFR 744.21(b); 50 U.S.C. 4813(a)(15)"),  # as the glossary file reads them
    )
    model = GlossaryEntry(
        term="Fable 5", aliases=(), zh=(), definition="A model.", citation="Anthropic statement", related=()
    )
    action = GlossaryEntry(
        term="export control directive",
        aliases=("directive",),
        zh=(),
        definition="An order whose text was never published.",
        citation="",
        related=("is-informed letter", "Fable 5"),
        legal_basis="not_public",
    )
    glossary = Glossary((tool, model, action))
    assert tool.refs and glossary.not_public_action == frozenset({action, model})
    question = "What's an is-informed letter?"
    own = [Quote(_passage(GLOSSARY_DOC, tool.definition, 1, term=tool.term), tool.definition)]
    assert not rests_on_not_public(analyse(question), own, PASSAGES, glossary, question)


def test_a_basis_question_naming_the_action_warns_whatever_was_retrieved() -> None:
    """ "What did the directive rest on?" asks for a basis that is not public: the warning does not
    depend on the search finding a passage about the directive."""
    question = "What law did the directive rest on?"
    analysis = analyse(question)
    assert analysis.basis
    unrelated = _quotes(GREEN, LICENCE)
    assert rests_on_not_public(analysis, unrelated, (EXPLAINER_PASSAGE,), ACTION_GLOSSARY, question)
    other = "What law does a deemed export rest on?"
    assert not rests_on_not_public(analyse(other), unrelated, (EXPLAINER_PASSAGE,), ACTION_GLOSSARY, other)


def test_a_translated_sentence_is_followed_by_its_original_line() -> None:
    """The lines a front end shows: a translated sentence with its number, then the exact English
    it rests on as an `original` line (shown quieter); framed official text stays ordinary."""
    lead = lead_quotes(
        analyse("视同出口是什么意思？"), PICKS, PASSAGES, GLOSSARY, "zh", TODAY, ("deemed export",)
    )
    lines, _ = number_citations(lead.quotes)
    assert [(line.text, line.original) for line in lines] == [
        (f"{DEFINITION_ZH} [1]", False),
        (f"原文：“{DEFINITION}”", True),
        ("以下为 15 CFR 734.13(b) 的英文原文，涉及“外国人、视同出口”：", False),
        (f"{RULE} [2]", False),
        (f"{GREEN_ZH} [3]", False),
        (f"原文：“{GREEN}”", True),
        (f"{LICENCE_ZH} [3]", False),
        (f"原文：“{LICENCE}”", True),
    ]
    english = lead_quotes(analyse("What is a deemed export?"), PICKS, PASSAGES, GLOSSARY, "en", TODAY)
    assert not any(line.original for line in number_citations(english.quotes)[0])
