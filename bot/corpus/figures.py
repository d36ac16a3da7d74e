"""The figures a sentence states, in a form that is the same in English and Chinese.

A Chinese twin may say nothing the English does not, so its numbers, dates, section numbers
(`15 CFR 734.13(b)`, `50 U.S.C. 4817(b)(1)`), Federal Register cites and bill numbers must be
the English ones. Writing conventions differ, so each is read to one form first: "June 12,
2026", "2026-06-12" and "2026年6月12日" are all `2026-06-12`; "$1.5 billion" and "15亿美元"
are both 1500000000; "1,000" is 1000; full-width digits and brackets are read as ASCII.

Digits must match both ways. A Chinese numeral (两, 三十, 第三) is accepted only where the
English spelled that number in words ("two", "thirty", "third"): a number the English wrote in
digits stays in digits. 一 is never read as a number, since it is part of so many words
(一般, 统一, 之一).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

MONTHS = {
    name: n
    for n, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"\b(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b\.?"
EN_DATES = (
    re.compile(_MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})(?!\d)", re.IGNORECASE),
    re.compile(r"(?<!\d)(?P<day>\d{1,2})\s+" + _MONTH + r",?\s+(?P<year>\d{4})(?!\d)", re.IGNORECASE),
    re.compile(_MONTH + r",?\s+(?P<year>\d{4})(?!\d)", re.IGNORECASE),
    re.compile(_MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?!\.?\d)", re.IGNORECASE),
)
ZH_DATES = (
    re.compile(r"(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*[日号]"),
    re.compile(r"(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月"),
    re.compile(r"(?<![\d年])(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*[日号]"),
)
ISO_DATE = re.compile(r"(?<!\d)(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?!\d)")
BILL = re.compile(
    r"(?<![.\w])(H\.\s?R\.|S\.|H\.\s?Res\.|S\.\s?Res\.|H\.\s?J\.\s?Res\.|S\.\s?J\.\s?Res\.)\s?(\d+)(?!\d)"
)
EN_SCALE = re.compile(r"(\d+(?:\.\d+)?)\s*(thousand|million|billion|trillion)\b", re.IGNORECASE)
ZH_SCALE = re.compile(r"(\d+(?:\.\d+)?)\s*(万亿|亿|万|千)")
SCALES = {
    "thousand": 10**3,
    "million": 10**6,
    "billion": 10**9,
    "trillion": 10**12,
    "千": 10**3,
    "万": 10**4,
    "亿": 10**8,
    "万亿": 10**12,
}
THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# A number, or a code holding digits (3A090, H100, EAR99), with its section paragraphs: 734.13(b)(1).
NUMBER = re.compile(r"(?<![A-Za-z0-9.])[A-Za-z]*\d[A-Za-z0-9]*(?:\.\d+)*(?:\([A-Za-z0-9]{1,4}\))*")
ORDINAL_SUFFIX = re.compile(r"^(\d+)(?:st|nd|rd|th)$|^(\d{4})s$")
UNITS = "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen".split()
WORDS = {word: n for n, word in enumerate(UNITS, start=2)}
WORDS |= {"seventeen": 17, "eighteen": 18, "nineteen": 19, "hundred": 100, "hundreds": 100, "thousand": 1000}
ONES = {"one": 1} | {word: WORDS[word] for word in UNITS[:8]}  # twenty-one … ninety-nine
TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
ORDINALS = {
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "twice": 2,
    "double": 2,
    "both": 2,
    "dual": 2,  # dual-use: 两用
    "bipartisan": 2,  # 两党
    "dozen": 12,
    "dozens": 10,
}
EN_WORD = re.compile(
    r"\b(?:("
    + "|".join(TENS)
    + r")(?:-("
    + "|".join(ONES)
    + r"))?|("
    + "|".join([*WORDS, *ORDINALS])
    + r"))\b",
    re.IGNORECASE,
)
ZH_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
ZH_NUMERAL = re.compile(
    r"[零〇一二两三四五六七八九十百千万]*[二两三四五六七八九十百千][零〇一二两三四五六七八九十百千万]*"
)
# Words whose numeral characters are not numbers: "very", "must", "encyclopedia", "dual-use",
# "both", "the two chambers", "percentage", "the Pentagon", and the weekdays (星期三 is Wednesday).
ZH_NOT_NUMBERS = (
    "十分",
    "千万",
    "万一",
    "百姓",
    "百分之",
    "百分比",
    "百科",
    "两用",
    "两者",
    "两院",
    "五角大楼",
    *(f"{week}{day}" for week in ("星期", "周") for day in "一二三四五六日"),
)


@dataclass(frozen=True)
class Figures:
    """What a sentence states in digits (numbers, dates, sections, bills) and in words."""

    digits: frozenset[str]
    words: frozenset[int]


def figures(text: str) -> Figures:
    """The figures of one sentence, English or Chinese."""
    text = THOUSANDS.sub("", unicodedata.normalize("NFKC", text))
    found: set[str] = set()
    text = _take(text, (ISO_DATE, *EN_DATES, *ZH_DATES), _date, found)
    text = _take(
        text, (BILL,), lambda m: "bill " + re.sub(r"[\s.]", "", m.group(1)).upper() + m.group(2), found
    )
    text = _take(
        text, (EN_SCALE, ZH_SCALE), lambda m: _number(Decimal(m.group(1)) * SCALES[m.group(2).lower()]), found
    )
    for match in NUMBER.finditer(text):
        token = match.group(0)
        bare = ORDINAL_SUFFIX.match(token)
        found.add(bare.group(1) or bare.group(2) if bare else token)
    return Figures(frozenset(found), frozenset(_english_words(text) | _chinese_words(text)))


def mismatch(english: str, chinese: str) -> str | None:
    """What the Chinese twin states differently from its English sentence, or None."""
    en, zh = figures(english), figures(chinese)
    spelled = {str(n) for n in en.words}
    problems = []
    if missing := en.digits - zh.digits:
        problems.append(f"the Chinese lacks {', '.join(sorted(missing))}")
    if extra := zh.digits - en.digits - spelled:
        problems.append(f"the Chinese adds {', '.join(sorted(extra))}")
    if numerals := zh.words - en.words:
        problems.append(
            f"Chinese numerals for {', '.join(str(n) for n in sorted(numerals))}, which the English does not "
            "spell in words (keep digits as digits)"
        )
    return "; ".join(problems) or None


def _take(
    text: str,
    patterns: Iterable[re.Pattern[str]],
    canonical: Callable[[re.Match[str]], str],
    found: set[str],
) -> str:
    """Record each match of `patterns` in its canonical form and blank it out of `text`."""
    for pattern in patterns:

        def record(match: re.Match[str]) -> str:
            found.add(canonical(match))
            return " "

        text = pattern.sub(record, text)
    return text


def _date(match: re.Match[str]) -> str:
    parts = match.groupdict()
    month = parts["month"]
    month_number = int(month) if month.isdigit() else MONTHS[month.lower()]
    fields = [
        parts.get("year"),
        f"{month_number:02d}",
        f"{int(parts['day']):02d}" if parts.get("day") else None,
    ]
    return "-".join(f for f in fields if f)


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f") if value != value.to_integral() else str(int(value))


def _english_words(text: str) -> set[int]:
    values = set()
    for match in EN_WORD.finditer(text):
        tens, unit, word = (g.lower() if g else None for g in match.groups())
        if tens:
            values.add(TENS[tens] + (ONES[unit] if unit else 0))
        elif word:
            values.add(WORDS.get(word) or ORDINALS[word])
    return values


def _chinese_words(text: str) -> set[int]:
    for idiom in ZH_NOT_NUMBERS:
        text = text.replace(idiom, " ")
    return {value for run in ZH_NUMERAL.findall(text) if (value := _chinese_value(run)) > 1}


def _chinese_value(run: str) -> int:
    """三十 → 30, 两百五十 → 250, 十二 → 12, 二〇二六 → 2026 (a digit-by-digit year)."""
    if not any(c in "十百千万" for c in run):
        return int("".join(str(ZH_DIGITS[c]) for c in run))
    total, section, digit = 0, 0, 0
    for char in run:
        if char in ZH_DIGITS:
            digit = ZH_DIGITS[char]
        elif char == "万":
            total += (section + digit) * 10**4
            section, digit = 0, 0
        else:
            section += (digit or 1) * {"十": 10, "百": 100, "千": 1000}[char]
            digit = 0
    return total + section + digit
