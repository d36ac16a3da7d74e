"""Shared text rules: sentence boundaries in legal text (abbreviations, section numbers and citations
do not end sentences) and which language a question is in (English, Chinese, and mixed questions)."""

from __future__ import annotations

import pytest

from bot.text import detect_language, split_sentences


def sentences(text: str) -> list[str]:
    spans = split_sentences(text)
    for start, end in spans:
        assert text[start:end] == text[start:end].strip() and text[start:end]
    return [text[start:end] for start, end in spans]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The U.S. government controls exports. Foreign persons need licences.",
            ["The U.S. government controls exports.", "Foreign persons need licences."],
        ),
        (
            "See 15 C.F.R. 734.13 for the definition. It covers releases.",
            ["See 15 C.F.R. 734.13 for the definition.", "It covers releases."],
        ),
        (
            "Under § 734.13(b) a release is a deemed export. Licences follow the home country.",
            ["Under § 734.13(b) a release is a deemed export.", "Licences follow the home country."],
        ),
        (
            "Some items, e.g. chips and boards, are controlled. Others are not.",
            ["Some items, e.g. chips and boards, are controlled.", "Others are not."],
        ),
        (
            "Form No. 748P is the application. File it online.",
            ["Form No. 748P is the application.", "File it online."],
        ),
        (
            "The Secretary acts under 50 U.S.C. 4817(b)(1). Congress set a deadline.",
            ["The Secretary acts under 50 U.S.C. 4817(b)(1).", "Congress set a deadline."],
        ),
        (
            "Read § 734.13. Then read § 734.15.",
            ["Read § 734.13.", "Then read § 734.15."],
        ),
        (
            "The rule appeared at 90 Fed. Reg. 47201. Pub. L. 115-232 enacted ECRA. It is law.",
            ["The rule appeared at 90 Fed. Reg. 47201.", "Pub. L. 115-232 enacted ECRA.", "It is law."],
        ),
        (
            "H.R. 2683 was introduced in April. It has not passed.",
            ["H.R. 2683 was introduced in April.", "It has not passed."],
        ),
        (
            "Is this an export? Yes! It is.",
            ["Is this an export?", "Yes!", "It is."],
        ),
        (
            "视同出口需要许可证。是否需要取决于国籍！对吗？",
            ["视同出口需要许可证。", "是否需要取决于国籍！", "对吗？"],
        ),
    ],
)
def test_legal_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_paragraph_markers_and_blank_lines_end_sentences() -> None:
    text = "(a) Export means a shipment\n(b) A release is an export\n\nA new paragraph without a stop"
    assert sentences(text) == [
        "(a) Export means a shipment",
        "(b) A release is an export",
        "A new paragraph without a stop",
    ]


def test_list_items_end_sentences() -> None:
    text = "Items include:\n- chips\n- boards\n1. first\n2. second"
    assert sentences(text) == ["Items include:", "- chips", "- boards", "1. first", "2. second"]


def test_quoted_sentence_end_stays_with_its_sentence() -> None:
    text = 'The term is "deemed export." The rule defines it.'
    assert sentences(text) == ['The term is "deemed export."', "The rule defines it."]


def test_offsets_are_exact_even_with_odd_whitespace() -> None:
    text = "  First sentence here.   Second one   \n\n  Third.  "
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == ["First sentence here.", "Second one", "Third."]
    assert spans[0][0] == 2


def test_empty_text() -> None:
    assert split_sentences("") == []
    assert split_sentences("   \n\n ") == []


@pytest.mark.parametrize(
    "text",
    [
        "What is a deemed export?",
        "Does EAR99 mean I never need a license?",
        "15 CFR 734.13(b)",
        "",
        "   ",
        "2026-06-12?",
    ],
)
def test_english_and_text_without_chinese(text: str) -> None:
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    "text",
    [
        "什么是视同出口？",
        "实体清单",
        "什麼是視同出口？",  # traditional characters
        "视",  # one character is enough when nothing else is there
    ],
)
def test_chinese(text: str) -> None:
    assert detect_language(text) == "zh"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # A Chinese question quoting English terms is still a Chinese question.
        ("ECCN（出口管制分类编号）是什么？", "zh"),
        ("EAR99 是什么意思？", "zh"),
        ("什么是“视同出口”（deemed export）？", "zh"),
        ("为什么连美国用户也用不了 Fable 5？", "zh"),
        ("2026年6月12日 Anthropic 的模型发生了什么？", "zh"),
        ("在网上公开发布的开源软件还受EAR管制吗？", "zh"),
        # An English question quoting a Chinese term is still an English question.
        ("What does 视同出口 mean in English law?", "en"),
        ("Is 实体清单 the Chinese name of the Entity List?", "en"),
    ],
)
def test_mixed_text_follows_the_language_that_carries_the_question(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_the_margin_between_chinese_and_latin() -> None:
    # Chinese wins while its characters are at least a third of the Latin letters.
    assert detect_language("abcdef 视同") == "zh"  # 2 × 3 = 6 letters: a tie goes to Chinese
    assert detect_language("abcdefg 视同") == "en"  # 7 letters outweigh two characters
    assert detect_language("a b c d e f g h 视") == "zh"  # single letters are not words


def test_normalise_text_spells_every_drawing_of_a_word_one_way() -> None:
    from bot.text import normalise_text

    drawn = "Ig\u200bno\u00adre ｐｒｅｖｉｏｕｓ \U0001d408\U0001d420 ﬁle\u2060s"
    assert normalise_text(drawn) == "Ignore previous Ig files"
    assert normalise_text("red \x1b[31mtext\x07\r\nnext\x0cpage\x00") == "red [31mtext\nnext\npage"


def test_normalise_text_keeps_chinese_punctuation() -> None:
    from bot.text import normalise_text

    assert normalise_text("出口管理条例（EAR）规定：许可证，") == "出口管理条例（EAR）规定：许可证，"


def test_size_cuts_never_fall_after_an_abbreviation() -> None:
    """A seam after `U.S.C.`, `Reps.` or `Corp. v.` would leave two unquotable fragments."""
    from bot.text import clause_cuts

    text = (
        "The statute, 50 U.S.C. 4817(b)(1), directs Commerce. It was filed by Reps. Sam Liccardo "
        "and others. The case Legion LegalTech Corp. v. United States argues that."
    )
    seams = [text[:cut].rstrip()[-9:] for cut in clause_cuts(text)]
    assert seams == ["Commerce.", "d others."]
