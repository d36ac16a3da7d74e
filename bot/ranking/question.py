"""What a question asks for: its answer type, the names it mentions, whether it asks to define.

The ranker and the composer both read this, so a "how much" question prefers the
passage and the sentence that hold an amount, a "when" question the one with a
date, a "who" question the one naming a person or body, and a yes/no question
the one that decides it. Detection is by question words in English and Chinese;
nothing here knows any particular question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.text import CJK, detect_language, is_common_word

AnswerType = Literal["number", "date", "who", "yesno", "definition", "citation", "reason", "other"]
ANSWER_TYPES: tuple[str, ...] = AnswerType.__args__  # type: ignore[attr-defined]

_EN_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "number",
        re.compile(
            r"\bhow (?:much|many|large|big|high|long|far|old|often|fast|severe)\b|\bwhat (?:percent(?:age)?|"
            r"share|fraction|threshold|amount|number|vote|margin|fine|penalty|penalties|maximum)\b"
            r"|\bwhat(?:'s| is| are| was| were)? (?:the )?(?:max(?:imum)? |minimum |civil |criminal )?"
            r"(?:penalty|penalties|fines?|threshold|amount|percentage|vote|deadline for)\b"
            r"|\b(?:max(?:imum)?|minimum) (?:fine|penalty|penalties|sentence|term)\b"
            r"|\bhow \w+ (?:is|are) the (?:fine|penalty|penalties|threshold)",
            re.IGNORECASE,
        ),
    ),
    (
        "date",
        re.compile(
            r"\bwhen\b|\bwhat (?:date|day|time|year|month)\b|\bwhich (?:date|day|year|month)\b"
            r"|\bsince when\b|\buntil when\b|\bhow soon\b|\bby what date\b",
            re.IGNORECASE,
        ),
    ),
    (
        "citation",
        re.compile(
            r"\b(?:which|what) (?:regulation|section|provision|rule|law|statute|part|paragraph|eccn|"
            r"authority|authorities|legal (?:basis|authority)|clause|subsection|title)\b"
            r"|\bwhere in the (?:ear|cfr|regulations?|law|statute)\b"
            r"|\bunder what (?:law|authority|statute)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "who",
        re.compile(
            r"\bwho(?:m|se)?\b|\bwhich (?:agency|agencies|department|office|official|officials|body|"
            r"court|company|companies|person|people|country|countries|committee|senator|member)\b"
            r"|\bwhat (?:agency|department|office|body|court|committee)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "definition",
        re.compile(
            r"^\W*(?:so\s+|ok\s+|okay\s+)?(?:what(?:'s| is| are| does| do)\b(?! the (?:penalty|fine|"
            r"difference|deadline|status|date))|define\b|meaning of\b|what counts as\b|what qualifies as\b)"
            r"|\b(?:mean|means|meaning|definition|defined)\b\??\s*$|\bcounts? as\b",
            re.IGNORECASE,
        ),
    ),
    ("reason", re.compile(r"\bwhy\b|\bwhat (?:was|is) the reason\b|\bhow come\b", re.IGNORECASE)),
)
_EN_YESNO = re.compile(
    r"^\W*(?:(?:so|ok|okay|and|but|wait|hey|also|like|then)\W+)*(?:is|are|was|were|can|could|does|do|did|"
    r"must|should|shall|will|would|has|have|had|may|might|am|isn't|aren't|doesn't|don't|didn't|can't|"
    r"won't|wasn't)\b",
    re.IGNORECASE,
)
_ZH_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "number",
        re.compile(
            r"多少|几[个天年月次分小条项名位倍%％]|多大|多高|多长|多久|百分之|比例|上限|最高|罚款|金额"
        ),
    ),
    ("date", re.compile(r"什么时候|何时|哪天|哪一天|哪年|哪一年|几月|几号|几点|日期|截止|到期|期限")),
    (
        "citation",
        re.compile(
            r"哪[条项部个一]?(?:法规|条款|法律|规定|章节|条|款|节)|依据(?:是)?什么|什么依据|什么法律|哪部法"
        ),
    ),
    (
        "who",
        re.compile(
            r"谁|哪个(?:机构|部门|公司|国家|人|官员|法院|委员会)|哪些(?:机构|部门|公司|国家|人|官员)|由哪"
        ),
    ),
    ("definition", re.compile(r"什么是|是什么意思|什么意思|指什么|是指|定义|含义|算不算|算是")),
    ("reason", re.compile(r"为什么|为何|原因|怎么会")),
)
_ZH_YESNO = re.compile(
    r"吗[？?。！!\s]*$|是否|是不是|能不能|可不可以|有没有|会不会|要不要|需不需要|算不算|还[能是有在]"
)

# Words that ask about the present state of things, so the answer must say how current its facts are.
_EN_PRESENT = re.compile(
    r"\b(?:now|nowadays|currently|current|presently|at present|still|today|yet|anymore|any longer|"
    r"these days|in (?:force|effect)|as (?:of|it stands) (?:today|now))\b",
    re.IGNORECASE,
)
_ZH_PRESENT = re.compile(
    r"目前|现在|现时|当前|如今|现今|眼下|至今|迄今|今天|仍然|仍|依然|还(?!是|有(?!效)|原|款|给)|现行"
)

SECTION_NUMBER = re.compile(r"\b(\d{3,4}\.\d{1,3}[a-z]?)\b|\b(\d[a-e]\d{3})\b", re.IGNORECASE)
_NAME = re.compile(
    r"(?:[A-Za-z]+[a-z][A-Z][A-Za-z]*|[A-Z][a-z]+(?:[ -](?:of|the|and|for|on|de|von|&)?\s?[A-Z][A-Za-z]+)*"
    r"|[A-Z]{2,}[a-z]?s?(?:\s[A-Z]{2,})*)"
)
_POSSESSIVE = re.compile(r"\b([A-Za-z][\w-]+)(?:'s|’s)(?=\s)")
_SENTENCE_START = re.compile(r"(?:^|[.?!:;]\s+|\n\s*)[\"'“(]*$")
_TITLE_WORD = re.compile(r"[A-Z][a-z]+")
_ZH_TITLE = re.compile(r"《([^》]{1,40})》")
# Capitalised words that start or fill a question without naming anything.
_NOT_NAMES = frozenset(
    """i im i'm is are was were can could does do did must should will would has have had may might what
    whats who whom whose when where which why how if so ok okay and but or also hey wait like then the a an
    this that these those my our your their please tell explain yes no not thanks thank
    us u.s united states america american americans it there here he she let where everyone someone nobody
    today jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)


@dataclass(frozen=True)
class QuestionAnalysis:
    """The parts of a question that decide which passage and sentence answer it."""

    lang: str
    answer_type: str
    yesno: bool
    names: tuple[str, ...]
    sections: tuple[str, ...]


def answer_type(question: str) -> str:
    """The kind of fact the question asks for (first match in a fixed order of specificity)."""
    table = _ZH_TYPES if CJK.search(question) else _EN_TYPES
    for name, pattern in table:
        if pattern.search(question):
            return name
    if is_yesno(question):
        return "yesno"
    return "other"


def is_yesno(question: str) -> bool:
    if CJK.search(question):
        return _ZH_YESNO.search(question) is not None
    return any(_EN_YESNO.search(part) for part in re.split(r"(?<=[?.!])\s+", question))


def asks_about_present(question: str) -> bool:
    """True when the question asks how things stand now ("still", "currently", 目前, 还 …), in either
    language, so the answer says the date its facts are current as of."""
    return _EN_PRESENT.search(question) is not None or _ZH_PRESENT.search(question) is not None


def named_things(question: str) -> tuple[str, ...]:
    """Proper names the question mentions (people, companies, countries, laws, acronyms)."""
    found: list[str] = [m.group(1) for m in _ZH_TITLE.finditer(question)]
    found.extend(
        m.group(1)
        for m in _POSSESSIVE.finditer(question)
        if m.group(1).lower() not in _NOT_NAMES and not is_common_word(m.group(1))  # "the lab's", not a name
    )
    for match in _NAME.finditer(question):
        name = match.group(0).strip()
        if (
            _TITLE_WORD.fullmatch(name)
            and _SENTENCE_START.search(question[: match.start()])
            and is_common_word(name)
        ):
            continue  # "Lab …", "Chips …": a capital that starts a sentence makes no name
        words = [w for w in re.split(r"[ -]", name) if w.lower() not in _NOT_NAMES]
        if not words:
            continue
        name = " ".join(words)
        if len(name) >= 2 and name.lower() not in _NOT_NAMES:
            found.append(name)
    return tuple(dict.fromkeys(found))


def analyse(question: str) -> QuestionAnalysis:
    sections = tuple(dict.fromkeys(a or b for a, b in SECTION_NUMBER.findall(question)))
    return QuestionAnalysis(
        detect_language(question), answer_type(question), is_yesno(question), named_things(question), sections
    )
