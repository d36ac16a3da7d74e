"""Statuses are worded against the day passed in: present tense up to a period's end, past tense
after it, a bill lapsed once its Congress has ended; tests sit on both sides of every date."""

from __future__ import annotations

from datetime import date

import pytest

from bot.answering.timeline import (
    Tracked,
    bill_status,
    congress_end,
    congress_of,
    currency_notices,
    define_status,
    describe,
    document_status,
    status_notices,
    where_to_check,
)
from bot.corpus.glossary_file import GlossaryEntry
from bot.corpus.references import ordinal, parse_refs, with_refs
from bot.glossary import Glossary
from bot.models import (
    BillRef,
    CfrRef,
    Chunk,
    Citation,
    Document,
    FrRef,
    OfficialRef,
    Passage,
    Status,
    StatusPeriod,
    Timeline,
    UscRef,
)
from bot.ranking.question import analyse

SUSPENSION = Timeline(
    periods=(
        StatusPeriod("in_force", date(2025, 9, 29), date(2025, 11, 9), source="90 FR 47201"),
        StatusPeriod("suspended", date(2025, 11, 10), date(2026, 11, 9), source="90 FR 50857"),
        StatusPeriod("in_force", date(2026, 11, 10), source="90 FR 50857", scheduled=True),
    ),
    subject="The affiliates rule",
    subject_zh="关联方规则",
)
RULE = Tracked(SUSPENSION, "ignored", parse_refs("90 FR 47201; 15 CFR 744.11(a)(1)"))
KB_AS_OF = date(2026, 11, 27)
LAST_DAY, FIRST_DAY_AFTER = date(2026, 11, 9), date(2026, 11, 10)


def _doc(**fields: object) -> Document:
    base = {"id": "d", "title": "A document", "text": "Text.", "path": "d.md", "sha256": "0"}
    return with_refs(Document(**{**base, **fields}))  # type: ignore[arg-type]


def _bill(congress: int = 119, **fields: object) -> Document:
    defaults = {
        "source_type": "bill",
        "citation": f"H.R. 3447 ({ordinal(congress)} Congress)",
        "status": Status("proposed", date(2026, 3, 26), as_of=date(2026, 6, 1)),
        "as_of": KB_AS_OF,
    }
    return _doc(**{**defaults, **fields})


def _cite(doc: Document, term: str = "") -> Citation:
    chunk = Chunk(
        id=f"{doc.id}#0", doc_id=doc.id, heading="", text="Text.", start=0, end=5, tokens=1, term=term
    )
    return Citation(n=1, passage=Passage(chunk=chunk, document=doc, rank=1, score=1.0), pinpoint="", quote="")


def test_the_nth_congress_ends_on_january_3_of_1789_plus_2n() -> None:
    assert congress_end(119) == date(2027, 1, 3)
    assert congress_end(118) == date(2025, 1, 3)
    assert [ordinal(n) for n in (101, 111, 112, 113, 119, 121, 122, 123)] == [
        "101st",
        "111th",
        "112th",
        "113th",
        "119th",
        "121st",
        "122nd",
        "123rd",
    ]


def test_suspension_on_its_last_day_is_present_tense_with_its_end() -> None:
    text = describe(RULE, LAST_DAY, KB_AS_OF)
    assert text.startswith(
        "The affiliates rule has been suspended since 2025-11-10 and is set to end 2026-11-09"
    )
    assert (
        "that rule provides for it to be in force again from 2026-11-10 unless the suspension is extended"
        in text
    )
    assert "records no extension" not in text


def test_suspension_the_day_after_it_ends_is_past_tense_with_what_follows() -> None:
    text = describe(RULE, FIRST_DAY_AFTER, KB_AS_OF)
    assert "has been suspended" not in text and "is suspended" not in text and "is set to end" not in text
    assert text == (
        "The affiliates rule was suspended from 2025-11-10 until 2026-11-09 (90 FR 50857); "
        "that rule provides for it to be in force again from 2026-11-10 unless the suspension is extended; "
        "the knowledge base, as of 2026-11-27, records no extension — check 15 CFR 744.11 on eCFR (ecfr.gov)."
    )


def test_chinese_on_both_sides_of_the_end() -> None:
    before = describe(RULE, LAST_DAY, KB_AS_OF, "zh")
    after = describe(RULE, FIRST_DAY_AFTER, KB_AS_OF, "zh")
    assert before.startswith("关联方规则自 2025-11-10 起暂停实施，定于 2026-11-09 结束")
    assert after.startswith("关联方规则曾于 2025-11-10 至 2026-11-09 暂停实施")
    assert "起暂停实施" not in after and "暂停中" not in after
    assert "该规则规定自 2026-11-10 起恢复生效，除非暂停期被延长" in after
    assert "本知识库截至 2026-11-27 没有记录延长暂停的规定" in after


def test_a_single_old_style_status_after_its_end_claims_nothing_about_what_followed() -> None:
    doc = _doc(
        title="The rule",
        citation="90 FR 47201",
        as_of=KB_AS_OF,
        status=Status("suspended", date(2025, 11, 10), date(2026, 11, 9)),
    )
    assert document_status(doc, LAST_DAY) == (
        "Status recorded in “The rule”: suspended since 2025-11-10, set to end 2026-11-09."
    )
    assert document_status(doc, FIRST_DAY_AFTER) == (
        "Status recorded in “The rule”: suspended from 2025-11-10 until 2026-11-09; "
        "the knowledge base, as of 2026-11-27, records no extension — "
        "check the Federal Register (federalregister.gov)."
    )


def test_rescission_is_an_event_and_plain_in_force_is_not_worth_a_notice() -> None:
    rescinded = _doc(title="The rule", status=Status("rescinded", date(2025, 5, 13)))
    assert (
        document_status(rescinded, date(2026, 12, 1))
        == "Status recorded in “The rule”: rescinded on 2025-05-13."
    )
    assert document_status(_doc(status=Status("in_force", date(2025, 8, 19))), date(2026, 12, 1)) is None
    assert document_status(_doc(), date(2026, 12, 1)) is None


def test_a_sunset_in_force_period_turns_past_after_its_until() -> None:
    doc = _doc(
        title="The authority", as_of=KB_AS_OF, status=Status("in_force", date(2020, 1, 1), date(2026, 6, 30))
    )
    assert document_status(doc, date(2026, 6, 30)).startswith(
        "Status recorded in “The authority”: in force since 2020-01-01"
    )
    after = document_status(doc, date(2026, 7, 1))
    assert after.startswith("Status recorded in “The authority”: in force from 2020-01-01 until 2026-06-30")
    assert "records no later change" in after


def test_a_period_not_yet_started() -> None:
    timeline = Timeline(periods=(StatusPeriod("in_force", date(2027, 1, 1)),), subject="The rule")
    assert describe(Tracked(timeline, "", ()), date(2026, 12, 1), None) == (
        "The rule is set to be in force from 2027-01-01."
    )


def test_bill_latest_action_with_its_data_date_and_lapse_on_both_sides_of_the_congress_end() -> None:
    bill = _bill()
    assert document_status(bill, date(2027, 1, 2)) == (
        "H.R. 3447 (119th Congress): latest recorded action on 2026-03-26 (data as of 2026-06-01)."
    )
    assert document_status(bill, date(2027, 1, 3)) == (
        "H.R. 3447 (119th Congress) lapsed when the 119th Congress ended on 2027-01-03; its latest recorded "
        "action was on 2026-03-26 (data as of 2026-06-01)."
    )
    assert "已随第 119 届国会于 2027-01-03 结束而失效" in document_status(bill, date(2027, 1, 3), "zh")


def test_an_enacted_bill_never_lapses_and_a_bill_without_a_congress_is_not_guessed() -> None:
    enacted = _bill(status=Status("in_force", date(2025, 8, 19)))
    assert "lapsed" not in document_status(enacted, date(2030, 1, 1))
    no_congress = _doc(source_type="bill", citation="H.R. 1", status=Status("proposed", date(2025, 1, 1)))
    assert bill_status(no_congress, no_congress.status, date(2030, 1, 1)) == (
        "H.R. 1: latest recorded action on 2025-01-01."
    )


@pytest.mark.parametrize(
    ("citation", "en", "zh"),
    [
        ("15 CFR 744.11(a)(1)", "15 CFR 744.11 on eCFR (ecfr.gov)", "eCFR（ecfr.gov）上的 15 CFR 744.11"),
        ("15 CFR Part 744", "15 CFR 744 on eCFR (ecfr.gov)", "eCFR（ecfr.gov）上的 15 CFR 744"),
        ("90 FR 50857", "the Federal Register (federalregister.gov)", "《联邦公报》（federalregister.gov）"),
        ("S. 1705 (119th Congress)", "S. 1705 on Congress.gov", "Congress.gov 上的 S. 1705"),
        ("Basis glossary", None, None),
    ],
)
def test_where_to_check_names_the_official_place(citation: str, en: str | None, zh: str | None) -> None:
    assert where_to_check(parse_refs(citation)) == en
    assert where_to_check(parse_refs(citation), "zh") == zh


def test_citations_show_the_date_their_text_is_current_as_of() -> None:
    assert _cite(_bill()).as_of == date(2026, 6, 1)  # the bill data's date, not the explainer's
    assert _cite(_doc(published=date(2025, 11, 12))).as_of == date(2025, 11, 12)  # a rule or article
    assert _cite(_doc(published=date(2025, 9, 30), as_of=KB_AS_OF)).as_of == KB_AS_OF  # an explainer
    assert _cite(_doc()).as_of is None  # undated: nothing is invented


NEWEST = date(2026, 11, 1)


@pytest.mark.parametrize(("today", "stale"), [(date(2026, 12, 1), False), (date(2026, 12, 2), True)])
def test_present_tense_question_gets_as_of_and_stale_past_the_setting(today: date, stale: bool) -> None:
    citations = (_cite(_doc(id="a", citation="15 CFR 744.11", as_of=NEWEST)), _cite(_bill(id="b")))
    notices = currency_notices(analyse("Is it still in force?"), citations, Glossary(), today, "en", 30)
    assert notices[0].code == "as_of"
    assert notices[0].message == (
        f"The cited sources are current as of 2026-11-01 at the latest (today is {today.isoformat()})."
    )
    assert [n.code for n in notices] == (["as_of", "stale"] if stale else ["as_of"])
    if stale:
        assert notices[1].message == (
            "That is 31 days ago: check 15 CFR 744.11 on eCFR (ecfr.gov), H.R. 3447 on Congress.gov for "
            "anything later."
        )


def test_currency_notices_only_for_questions_about_now_and_in_chinese_for_chinese() -> None:
    citations = (_cite(_doc(citation="90 FR 50857", as_of=NEWEST)),)
    assert (
        currency_notices(
            analyse("What did the rule do?"), citations, Glossary(), date(2026, 12, 31), "en", 30
        )
        == []
    )
    notices = currency_notices(
        analyse("这条规则现在还有效吗？"), citations, Glossary(), date(2026, 12, 31), "zh", 30
    )
    assert [n.message for n in notices] == [
        "所引来源最新截至 2026-11-01（今天是 2026-12-31）。",
        "距今已有 60 天：请到《联邦公报》（federalregister.gov）查看之后的变化。",
    ]
    assert (
        currency_notices(
            analyse("Is it still in force?"), (_cite(_doc()),), Glossary(), date(2026, 12, 31), "en", 30
        )
        == []
    )


def _entry_glossary() -> Glossary:
    entry = GlossaryEntry(
        term="Military End-User List",
        aliases=(),
        zh=("军事最终用户清单",),
        definition="A list.",
        citation="15 CFR 744.21; 90 FR 50857",
        related=(),
        refs=parse_refs("15 CFR 744.21; 90 FR 50857"),
        timeline=Timeline(SUSPENSION.periods, subject="The MEU extension", as_of=KB_AS_OF),
    )
    return Glossary((entry,))


def test_a_glossary_entry_status_for_define_and_for_answers_citing_it() -> None:
    glossary = _entry_glossary()
    before = define_status(glossary, "Military End-User List", LAST_DAY)
    after = define_status(glossary, "Military End-User List", FIRST_DAY_AFTER)
    assert before[0].startswith("The MEU extension has been suspended since 2025-11-10")
    assert after[0].startswith("The MEU extension was suspended from 2025-11-10 until 2026-11-09")
    assert "check 15 CFR 744.21 on eCFR (ecfr.gov)" in after[0]
    assert after[1].startswith("The MEU extension曾于 2025-11-10 至 2026-11-09 暂停实施")
    assert define_status(Glossary(), "Military End-User List", LAST_DAY) == ()
    glossary_doc = _doc(id="glossary", source_type="glossary", citation="Basis glossary")
    citation = _cite(glossary_doc, term="Military End-User List")
    notices = currency_notices(
        analyse("Is the MEU list still affected?"), (citation,), glossary, date(2026, 12, 1), "en", 30
    )
    assert [n.code for n in notices] == ["as_of"]  # the entry's timeline is as of 2026-11-27


def test_one_history_recorded_by_an_entry_and_a_document_is_stated_once_in_the_documents_words() -> None:
    entry = GlossaryEntry(
        term="affiliates rule",
        aliases=(),
        zh=(),
        definition="A rule.",
        citation="90 FR 47201",
        related=(),
        refs=parse_refs("90 FR 47201"),
        timeline=SUSPENSION,
    )
    glossary = Glossary((entry,))
    glossary_doc = _doc(id="glossary", source_type="glossary", citation="Basis glossary")
    rule = _doc(id="rule", citation="15 CFR 744.11", timeline=SUSPENSION, as_of=KB_AS_OF)
    other = _doc(id="other", title="Another rule", timeline=Timeline(SUSPENSION.periods))
    citations = (_cite(glossary_doc, term="affiliates rule"), _cite(rule), _cite(other))
    notices = status_notices(citations, glossary, FIRST_DAY_AFTER, "en")
    assert len(notices) == 2  # the entry repeats the rule's history; the other rule has its own
    assert "check 15 CFR 744.11 on eCFR" in notices[0].message
    assert notices[1].message.startswith("Status recorded in “Another rule”: suspended from")


TITLE = "The January 2025 AI Diffusion rule and its May 2025 rescission"
TODAY_SHAPES = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("periods", "subject", "expected"),
    [
        # An event (rescinded) under a title: never "its May 2025 rescission was rescinded on …".
        (
            (StatusPeriod("rescinded", date(2025, 5, 13)),),
            "",
            f"Status recorded in “{TITLE}”: rescinded on 2025-05-13.",
        ),
        (
            (StatusPeriod("rescinded", date(2025, 5, 13)),),
            "The rule",
            "The rule was rescinded on 2025-05-13.",
        ),
        # Ongoing with an end date, ongoing open-ended, ended, not yet started.
        (
            (StatusPeriod("suspended", date(2025, 11, 10), date(2027, 1, 9)),),
            "",
            f"Status recorded in “{TITLE}”: suspended since 2025-11-10, set to end 2027-01-09.",
        ),
        (
            (StatusPeriod("suspended", date(2025, 11, 10), date(2027, 1, 9)),),
            "The rule",
            "The rule has been suspended since 2025-11-10 and is set to end 2027-01-09.",
        ),
        (
            (StatusPeriod("in_force", date(2025, 1, 1)), StatusPeriod("suspended", date(2026, 1, 1))),
            "",
            f"Status recorded in “{TITLE}”: suspended since 2026-01-01.",
        ),
        (
            (StatusPeriod("suspended", date(2025, 11, 10), date(2026, 11, 9)),),
            "",
            f"Status recorded in “{TITLE}”: suspended from 2025-11-10 until 2026-11-09; the knowledge base, "
            "as of 2026-11-27, records no extension — check the Federal Register (federalregister.gov).",
        ),
        (
            (StatusPeriod("suspended", date(2027, 3, 1)),),
            "",
            f"Status recorded in “{TITLE}”: to be suspended from 2027-03-01.",
        ),
        (
            (StatusPeriod("suspended", date(2027, 3, 1)),),
            "The rule",
            "The rule is set to be suspended from 2027-03-01.",
        ),
        # A period the source provides for in advance follows the current one.
        (
            (
                StatusPeriod("suspended", date(2025, 11, 10), date(2027, 1, 9), source="90 FR 50857"),
                StatusPeriod("in_force", date(2027, 1, 10), source="90 FR 50857", scheduled=True),
            ),
            "",
            f"Status recorded in “{TITLE}”: suspended since 2025-11-10, set to end 2027-01-09 (90 FR 50857); "
            "that rule provides for it to be in force from 2027-01-10 unless the suspension is extended.",
        ),
    ],
)
def test_status_reads_correctly_for_every_timeline_shape(
    periods: tuple[StatusPeriod, ...], subject: str, expected: str
) -> None:
    doc = _doc(
        title=TITLE, citation="90 FR 4544", as_of=KB_AS_OF, timeline=Timeline(periods, subject=subject)
    )
    assert document_status(doc, TODAY_SHAPES) == expected
    chinese = document_status(doc, TODAY_SHAPES, "zh")
    assert chinese and chinese.endswith("。")
    assert ("记录的状态" in chinese) == (not subject)


def test_bill_shapes_in_both_languages() -> None:
    assert document_status(_bill(), date(2026, 12, 1)) == (
        "H.R. 3447 (119th Congress): latest recorded action on 2026-03-26 (data as of 2026-06-01)."
    )
    assert document_status(_bill(), date(2027, 1, 3)).startswith(
        "H.R. 3447 (119th Congress) lapsed when the 119th Congress ended on 2027-01-03"
    )
    assert document_status(_bill(), date(2027, 1, 3), "zh").startswith(
        "H.R. 3447 (119th Congress)已随第 119 届国会"
    )


@pytest.mark.parametrize(
    ("refs", "en"),
    [
        # The CFR first, wherever it is named; its paragraph is dropped, a part keeps its number.
        ((FrRef(90, 47201), BillRef("s", 1705), CfrRef(15, 744, "11", ("a", "1"))), "15 CFR 744.11 on eCFR"),
        ((CfrRef(15), CfrRef(15, 774)), "15 CFR 774 on eCFR"),
        ((UscRef(50, "4817"), FrRef(90, 4544), BillRef("hjres", 12)), "H.J.Res. 12 on Congress.gov"),
        ((UscRef(50), FrRef(90, 4544)), "the Federal Register"),
        ((FrRef(number="2025-19846"), UscRef(50)), "the U.S. Code"),
        ((CfrRef(15), FrRef(number="2025-19846")), None),  # a whole title, a number: no place to check
    ],
)
def test_where_to_check_reads_typed_references(refs: tuple[OfficialRef, ...], en: str | None) -> None:
    place = where_to_check(refs)
    assert place.startswith(en) if en else place is None


def test_a_bills_congress_comes_from_its_typed_references() -> None:
    # The citation names no Congress; the congress.gov URL read at load does.
    doc = _bill(citation="H.R. 3447", url="https://www.congress.gov/bill/118th-congress/house-bill/3447")
    assert doc.official == BillRef("hr", 3447, 118)
    assert congress_of(doc) == 118
    assert "lapsed when the 118th Congress ended on 2025-01-03" in document_status(doc, date(2026, 1, 1))
    assert congress_of(_bill(citation="H.R. 3447", url="")) is None
    assert congress_of(_bill(citation="H.R. 2683, S. 3519 (120th Congress); 50 U.S.C. 4801")) == 120
