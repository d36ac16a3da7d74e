"""Which kinds of fact a stretch of text holds: amounts, dates, names of people or bodies, citations.

Paired with the question's answer type, these let the ranker prefer the passage
(and the composer the sentence) that holds the kind of fact asked for.
"""

from __future__ import annotations

import re

MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
)
DATE = re.compile(
    rf"\b{MONTH}\s+\d{{1,2}}(?:,\s*\d{{4}})?|\b\d{{1,2}}\s+{MONTH}\s+\d{{4}}|\b{MONTH}\s+\d{{4}}"
    r"|\b(?:19|20)\d\d-\d\d-\d\d\b|\b\d{1,2}:\d\d\s*(?:[ap]\.?m\.?)?|\bin (?:19|20)\d\d\b"
    r"|(?:19|20)\d\d年|\d{1,2}月\d{1,2}日",
)
AMOUNT = re.compile(
    r"\$\s?\d|\b\d[\d,.]*\s*(?:percent|%|per ?cent|million|billion|thousand|dollars|years?|months?|days?|"
    r"hours?|minutes?|times|votes?|members|countries|entities|companies|TOPS|bits?|GB|mm)\b"
    r"|\b\d+\s*[-–]\s*\d+\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|fifty|"
    r"hundred)\b[ -](?:percent|years?|months?|days?|hours?|minutes?)\b|\b\d{2,}\b"
    r"|\d+(?:万|亿|%|％|年|个月|天|分钟)",
    re.IGNORECASE,
)
BODY = re.compile(
    r"\b(?:Secretary|Department|Bureau|Congress|Senate|House|President|Court|Commission|Committee|Office|"
    r"Agency|Administration|Attorney General|Under Secretary|Assistant Secretary|BIS|OFAC|ERC|White House|"
    r"Representatives?|Senators?|Judge|Lutnick|Inc\.|LLC|Corporation|Company)\b"
    r"|\b[A-Z][a-z]+ [A-Z][a-z]+(?: [A-Z][a-z]+)?\b"
)
CITATION = re.compile(
    r"§\s*\d|\b\d+\s+(?:CFR|C\.F\.R\.|U\.S\.C\.)\s*\d|\bpart\s+7\d\d\b|\b7\d\d\.\d+\b|\b4[89]\d\d\b"
    r"|\bsection\s+\d|\b\d\s?[A-E]\s?\d{3}\b|\bFR\s+\d|Pub\. L\.",
    re.IGNORECASE,
)
DECISION = re.compile(
    r"\b(?:not|no|never|only|unless|except|required|requires?|must|may|shall|cannot|prohibit\w*|"
    r"authori[sz]\w*|does|is|are)\b|不|没有|无需|必须|需要|可以|禁止",
    re.IGNORECASE,
)

DETECTORS: dict[str, re.Pattern[str]] = {
    "number": AMOUNT,
    "date": DATE,
    "who": BODY,
    "citation": CITATION,
    "yesno": DECISION,
}


def holds(kind: str, text: str) -> bool:
    """Whether `text` holds a fact of `kind` (an answer type); False for kinds with no detector."""
    pattern = DETECTORS.get(kind)
    return bool(pattern and pattern.search(text))
