"""Figures read the same way in English and Chinese, and the twin mismatches they reveal."""

from __future__ import annotations

import pytest

from bot.corpus.figures import figures, mismatch


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("June 12, 2026", "2026年6月12日"),
        ("Jun. 12, 2026", "2026-06-12"),
        ("12 June 2026", "2026 年 6 月 12 日"),
        ("in June 2026", "2026年6月"),
        ("on September 30", "9月30日"),
        ("15 CFR 734.13(b)", "15 CFR 734.13（b）"),
        ("90 FR 47201", "９０ FR 47201"),
        ("H.R. 1234", "H.R. 1234号法案"),
        ("$1.5 billion", "15亿美元"),
        ("$300,000", "30万美元"),
        ("10,000 chips", "1万枚芯片"),
        ("50 percent", "50%"),
        ("ECCN 3A090", "ECCN 3A090"),
        ("the 1990s", "1990年代"),
    ],
)
def test_the_same_figure_reads_the_same(english: str, chinese: str) -> None:
    assert figures(english).digits == figures(chinese).digits
    assert mismatch(english, chinese) is None


def test_dates_become_iso() -> None:
    assert figures("On June 12, 2026, BIS acted.").digits == {"2026-06-12"}
    assert figures("2026年6月12日起生效。").digits == {"2026-06-12"}


def test_a_changed_section_number_date_or_bill_is_a_mismatch() -> None:
    assert "744.21" in (mismatch("under 15 CFR 744.22", "依据15 CFR 744.21") or "")
    assert "734.13(b)" in (mismatch("15 CFR 734.13(b)", "15 CFR 734.13（c）") or "")
    assert mismatch("June 12, 2026", "2026年6月13日") is not None
    assert mismatch("H.R. 1234", "S. 1234") is not None
    assert "lacks 90" in (mismatch("90 FR 47201", "FR 47201") or "")


def test_chinese_numerals_only_where_the_english_spelled_the_number() -> None:
    assert mismatch("Two agencies and thirty companies.", "两个机构和三十家公司。") is None
    assert mismatch("The third country.", "第三国。") is None
    assert mismatch("Twenty-one states and forty-five days.", "二十一个州和四十五天。") is None
    assert mismatch("Dual-use items need a license.", "军民两用物项需要许可证。") is None
    problem = mismatch("2 agencies acted.", "两个机构采取了行动。") or ""
    assert "lacks 2" in problem and "Chinese numerals for 2" in problem
    assert mismatch("Two agencies acted.", "2个机构采取了行动。") is None  # digits for a spelled number


def test_common_words_holding_numerals_are_not_numbers() -> None:
    assert figures("这一点十分重要，是其中之一，统一适用。").words == frozenset()
    assert figures("百分之五十").words == {50}


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("The dual-use item is controlled.", "该军民两用物项受管制。"),
        ("Both chambers passed it on Friday, June 12, 2026.", "国会两院于2026年6月12日星期五通过了它。"),
        ("An encyclopedia entry gives the percentage as 50.", "一则百科词条给出的百分比为50。"),
        ("The Pentagon said so.", "五角大楼如是说。"),
    ],
)
def test_words_whose_numerals_are_not_numbers(english: str, chinese: str) -> None:
    assert mismatch(english, chinese) is None
