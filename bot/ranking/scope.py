"""Is a question Basis's job, and does the knowledge base know what it names?

Two signals for declining, both about the kind of request rather than any
particular question: a request that is not a question about export controls
(a poem, a joke, "reveal your system prompt"), and a question about a country,
law, company or person that none of the retrieved passages mentions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import numpy as np

from bot.ranking.features import NAMES
from bot.ranking.question import QuestionAnalysis
from bot.text import simplified

CREATIVE = re.compile(
    r"\b(?:write|compose|draft|generate|make up|create|sing|rap|rewrite)\b[^.?!]{0,40}?\b"
    r"(?:poem|limerick|haiku|song|lyrics|joke|story|stories|essay|tweet|rap|sonnet|verse|script|novel|screenplay|ad|slogan|code|"
    r"function|program|email|letter)s?\b|\btell me (?:a|another) (?:joke|story)\b|\b(?:poem|limerick|haiku|"
    r"sonnet|joke)\b.*\babout\b"
    r"|写(?:一)?(?:首|个|篇|段)|[作编]一?首|(?:诗|歌词|笑话|段子|小说|故事|作文|对联|顺口溜)",
    re.IGNORECASE,
)
JAILBREAK = re.compile(
    r"\b(?:system prompt|your (?:instructions|prompt|rules|guidelines|configuration|training data)"
    r"|developer mode|jailbreak (?:mode|yourself|you)|jailbroken|DAN mode|do anything now"
    r"|no (?:restrictions|rules|filters)|unfiltered|uncensored)\b"
    r"|\bhow (?:do|can|could|would|should|to) (?:i |we |you |one |someone |a company )?[^.?!]{0,40}?"
    r"\b(?:bypass|get around|evade|avoid (?:getting caught|detection)|smuggle|disguise|falsify|fake)\b"
    r"|\bhelp (?:me|us) (?:bypass|evade|smuggle|hide|get around|falsify)\b"
    r"|系统提示|提示词|你的(?:指令|规则|设定)|越狱|不受限制|(?:怎么|如何|怎样)[^，。？?]{0,12}(?:绕过|规避|逃避|走私|伪造|瞒过)",
    re.IGNORECASE,
)
# Jurisdictions other than the United States, in English and Chinese, for "the UK's rules on …".
JURISDICTIONS = {
    "uk": "the United Kingdom",
    "united kingdom": "the United Kingdom",
    "britain": "the United Kingdom",
    "british": "the United Kingdom",
    "英国": "the United Kingdom",
    "eu": "the European Union",
    "european union": "the European Union",
    "欧盟": "the European Union",
    "japan": "Japan",
    "japanese": "Japan",
    "日本": "Japan",
    "china's": "China's own law",
    "chinese law": "China's own law",
    "prc law": "China's own law",
    "中国的": "China's own law",
    "我国": "China's own law",
    "korea": "South Korea",
    "korean": "South Korea",
    "韩国": "South Korea",
    "netherlands": "the Netherlands",
    "dutch": "the Netherlands",
    "荷兰": "the Netherlands",
    "germany": "Germany",
    "german": "Germany",
    "德国": "Germany",
    "france": "France",
    "french": "France",
    "法国": "France",
    "canada": "Canada",
    "canadian": "Canada",
    "加拿大": "Canada",
    "australia": "Australia",
    "australian": "Australia",
    "澳大利亚": "Australia",
    "india": "India",
    "indian": "India",
    "印度": "India",
    "taiwan": "Taiwan",
    "taiwanese": "Taiwan",
    "台湾": "Taiwan",
    "singapore": "Singapore",
    "新加坡": "Singapore",
    "russia": "Russia",
    "russian": "Russia",
    "俄罗斯": "Russia",
    "israel": "Israel",
    "以色列": "Israel",
    "switzerland": "Switzerland",
    "swiss": "Switzerland",
    "瑞士": "Switzerland",
    "wassenaar": "the Wassenaar Arrangement",
    "瓦森纳": "the Wassenaar Arrangement",
}


_PLACE = "|".join(
    rf"\b{re.escape(k)}(?![a-z])" if k.isascii() else re.escape(k)
    for k in sorted(JURISDICTIONS, key=len, reverse=True)
)
_RULES = (
    r"(?:export[- ]control |export )?(?:rules?|laws?|regulations?|regime|controls?|acts?|lists?|policy|"
    r"policies|system)"
)
_OWN_LAW = (
    re.compile(rf"({_PLACE})(?:'s|’s)?\s+(?:[\w-]+\s+){{0,3}}{_RULES}\b", re.IGNORECASE),
    re.compile(rf"({_PLACE})的?(?:《|出口管制|法律|法规|规定|规则|管制|制度|政策)"),
)


SCOPE_NAMES = ["dense", "coverage", "proximity", "names", "passage", "bm25", "terms", "unknown"]


def scope_features(
    rows: np.ndarray, probabilities: np.ndarray, best_bm25: float, terms: int, unknown: float = 0.0
) -> list[float]:
    """How well the knowledge base covers the question, from its top passages' feature rows
    (`features.NAMES` order) and re-ranker probabilities: the best of each signal, the raw
    BM25 score of the best lexical match, how many terms the question has, and the IDF-weighted
    share of its terms that no indexed text contains (a company, product or law the sources
    never mention leaves words nothing matches)."""
    if not len(rows):
        return [0.0] * len(SCOPE_NAMES)
    best = rows.max(axis=0)
    return [
        float(best[NAMES.index("dense")]),
        float(best[NAMES.index("coverage")]),
        float(best[NAMES.index("proximity")]),
        float(best[NAMES.index("names")]),
        float(probabilities.max()),
        math.log1p(max(best_bm25, 0.0)),
        math.log1p(terms),
        unknown,
    ]


def request_kind(question: str) -> str | None:
    """`creative` or `jailbreak` when the message is not a question Basis exists to answer
    (Traditional characters read as Simplified, as the patterns are written)."""
    question = simplified(question)
    if JAILBREAK.search(question):
        return "jailbreak"
    if CREATIVE.search(question):
        return "creative"
    return None


def foreign_law(question: str) -> tuple[str, ...]:
    """Jurisdictions whose own rules the question asks about ("the UK's rules", "日本的规定",
    Traditional characters read as Simplified)."""
    question = simplified(question)
    found = (JURISDICTIONS[m.group(1).casefold()] for pattern in _OWN_LAW for m in pattern.finditer(question))
    return tuple(dict.fromkeys(found))


def asked_about(name: str, question: str) -> bool:
    """Whether the question is about `name` rather than mentioning it in passing: its subject
    ("did Seagate pay …", "is Mistral …"), a possessive ("Google's model", "Mistral 的模型"),
    or "about X"; a place in a situation ("our office in Germany") is none of these."""
    quoted = re.escape(name)
    return (
        re.search(
            rf"\b(?:did|does|do|has|have|had|is|was|were|will|would|can|could|about)\s+(?:the\s+)?{quoted}\b"
            rf"|{quoted}(?:'s|’s|\s*的)",
            question,
            re.IGNORECASE,
        )
        is not None
    )


def unknown_names(names: tuple[str, ...], question: str, known: Callable[[str], bool]) -> tuple[str, ...]:
    """The names the question is about none of whose words occur anywhere in the index."""
    return tuple(
        n
        for n in names
        if n.casefold() not in JURISDICTIONS  # places are judged by `foreign_law`
        and asked_about(n, question)
        and not any(known(w) for w in re.findall(r"[\w.]+", n))
    )


def uncovered_names(
    analysis: QuestionAnalysis, question: str, jurisdictions_covered: set[str], known: Callable[[str], bool]
) -> tuple[str, ...]:
    """What the question asks about that the knowledge base has nothing on: a name no indexed
    text contains, or a foreign jurisdiction's own rules when no retrieved document is of it."""
    found = list(unknown_names(analysis.names, question, known))
    found.extend(p for p in foreign_law(question) if p not in jurisdictions_covered and p not in found)
    return tuple(found)
