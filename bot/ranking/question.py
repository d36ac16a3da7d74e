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

from bot.text import CJK, detect_language, is_common_word, simplified

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
    (
        "definition",
        re.compile(r"什么是|是什么意思|什么意思|是什么[？?。\s]*$|指什么|是指|定义|含义|算不算|算是"),
    ),
    ("reason", re.compile(r"为什么|为何|原因|怎么会")),
)
_ZH_YESNO = re.compile(
    r"吗[？?。！!\s]*$|是否|是不是|能不能|可不可以|有没有|会不会|要不要|需不需要|算不算|还[能是有在]"
)

# Words that ask about the present state of things, so the answer must say how current its facts are
# and a status question leads with the status. One table per language, read by one matcher: an
# English cue is a whole word or phrase, a Chinese cue a run of characters (Chinese has no spaces).
PRESENT_CUES: dict[str, tuple[str, ...]] = {
    "en": (
        "now",
        "nowadays",
        "currently",
        "current",
        "presently",
        "at present",
        "still",
        "today",
        "yet",
        "already",
        "anymore",
        "any longer",
        "these days",
        "in force",
        "in effect",
        "as of today",
        "as of now",
        "as it stands today",
        "as it stands now",
    ),
    "zh": (
        "目前",
        "现在",
        "现时",
        "当前",
        "如今",
        "现今",
        "眼下",
        "至今",
        "迄今",
        "今天",
        "仍然",
        "依然",
        "仍",
        "已经",
        "还在",
        "还有效",
        "还能",
        "还要",
        "还需",
        "还是否",
        "现行",
        "生效",
    ),
}
# Words that ask what state a rule, bill or action is in ("has it passed", "is it suspended").
STATUS_CUES: dict[str, tuple[str, ...]] = {
    "en": (
        "status",
        "passed",
        "enacted",
        "signed into law",
        "become law",
        "became law",
        "suspended",
        "suspension",
        "rescinded",
        "revoked",
        "lifted",
        "in force",
        "in effect",
        "still apply",
        "still applies",
        "expire",
        "expired",
        "lapsed",
    ),
    "zh": (
        "状态",
        "通过了",
        "通过没有",
        "生效",
        "暂停",
        "撤销",
        "废除",
        "解除",
        "取消了",
        "失效",
        "到期",
        "成为法律",
    ),
}
# Words that ask (in a question) or say (in an answer sentence) what an action rests on in law: its
# basis, its authority, what it cited or invoked, whether it needed a law.
BASIS_CUES: dict[str, tuple[str, ...]] = {
    "en": (
        "legal basis",
        "legal authority",
        "legal grounds",
        "legal ground",
        "what law",
        "which law",
        "what statute",
        "which statute",
        "what authority",
        "which authority",
        "under what authority",
        "statutory",
        "authorized",
        "authorised",
        "authorize",
        "authorise",
        "without a new law",
        "without a law",
        "without congress",
        "legally",
        "lawful",
        "legal to",
        "power to",
        "powers",
        "cite",
        "cites",
        "cited",
        "citing",
        "invoke",
        "invokes",
        "invoked",
        "invoking",
        "rely on",
        "relies on",
        "relied on",
        "rest on",
        "rests on",
        "rested on",
    ),
    "zh": (
        "依据",
        "授权",
        "哪条法律",
        "什么法律",
        "合法",
        "法律基础",
        "新法律",
        "立法",
        "援引",
        "引用",
        "援用",
        "凭什么",
        "有权",
        "权力",
    ),
}


def _cue_pattern(cues: dict[str, tuple[str, ...]]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(English, Chinese) matchers for a cue table, longest cue first."""
    en = sorted(cues["en"], key=len, reverse=True)
    zh = sorted(cues["zh"], key=len, reverse=True)
    english = r"\b(?:" + "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in en) + r")\b"
    return re.compile(english, re.IGNORECASE), re.compile("|".join(re.escape(c) for c in zh))


_PRESENT = _cue_pattern(PRESENT_CUES)
_STATUS = _cue_pattern(STATUS_CUES)
_BASIS = _cue_pattern(BASIS_CUES)


def has_cue(patterns: tuple[re.Pattern[str], re.Pattern[str]], question: str) -> bool:
    """Whether the question holds one of a cue table's words, in either language (Traditional
    characters read as Simplified)."""
    question = simplified(question)
    return any(p.search(question) is not None for p in patterns)


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


Lead = Literal["definition", "status", "fact", "yesno", "other"]


@dataclass(frozen=True)
class QuestionAnalysis:
    """The parts of a question that decide which passage and sentence answer it, and what the
    answer leads with; parsed once at intake (`bot.retrieval.question.Question`) and read by the
    search, the ranker, the composer and the notices alike."""

    lang: str
    answer_type: str
    yesno: bool
    names: tuple[str, ...]
    sections: tuple[str, ...]
    present: bool = False  # asks how things stand now ("still", "yet", 目前, 已经 …)
    status: bool = False  # asks what state something is in ("has it passed", 生效 …)
    basis: bool = False  # asks what an action rests on in law ("legal basis", 依据 …)

    @property
    def lead(self) -> Lead:
        """What the answer leads with: a definition question with the glossary definition, a
        status question with the dated status, a who/when/how-much/which-section question with
        the sentence holding that fact, a yes/no question with the sentence that decides it."""
        if self.status:
            return "status"
        if self.answer_type == "definition":
            return "definition"
        if self.answer_type in ("number", "date", "who", "citation"):
            return "fact"
        if self.yesno:
            return "yesno"
        return "other"


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
    """True when the question asks how things stand now ("still", "yet", 目前, 已经 …), in either
    language, so the answer says the date its facts are current as of."""
    return has_cue(_PRESENT, question)


def asks_status(question: str) -> bool:
    """True when the question asks what state a rule, bill or action is in now: a present cue
    with a yes/no or "what" question, or a status word ("passed", "suspended", 生效 …)."""
    return has_cue(_STATUS, question) or (asks_about_present(question) and is_yesno(question))


def asks_basis(question: str) -> bool:
    """True when the question asks what an action rests on in law (its basis or authority)."""
    return has_cue(_BASIS, question)


def states_basis(sentence: str) -> bool:
    """True when a sentence says what something rests on in law ("cited 744.22", "invoked IEEPA",
    "the legal basis …"): the question's basis cues read in an answer sentence."""
    return has_cue(_BASIS, sentence)


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
    """The analysis of one question; Traditional characters are read as Simplified."""
    question = simplified(question)
    sections = tuple(dict.fromkeys(a or b for a, b in SECTION_NUMBER.findall(question)))
    return QuestionAnalysis(
        detect_language(question),
        answer_type(question),
        is_yesno(question),
        named_things(question),
        sections,
        present=asks_about_present(question),
        status=asks_status(question),
        basis=asks_basis(question),
    )
