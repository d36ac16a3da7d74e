"""Text facts every stage shares: sentence boundaries, Chinese characters, the asker's language.

Indexing, retrieval and answering all cut text into sentences and look for
Chinese, so the rules live here, below all three, and nowhere else.

A period ends a sentence only when it is not part of an abbreviation
(`U.S.`, `C.F.R.`, `e.g.`, `No.`, `Pub. L.`), a section number (`§ 734.13`) or
an initial; blank lines and list items always end one. Offsets are returned so
quotes stay exact substrings of their passage.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

ABBREVIATIONS = frozenset(
    [
        "u.s",
        "u.s.c",
        "c.f.r",
        "cfr",
        "e.g",
        "i.e",
        "no",
        "nos",
        "sec",
        "secs",
        "pub",
        "l",
        "inc",
        "co",
        "corp",
        "ltd",
        "jr",
        "sr",
        "dr",
        "mr",
        "mrs",
        "ms",
        "st",
        "v",
        "vs",
        "etc",
        "al",
        "fed",
        "reg",
        "art",
        "para",
        "paras",
        "ch",
        "pt",
        "app",
        "supp",
        "cong",
        "sess",
        "res",
        "h.r",
        "s.res",
        "h.res",
        "doc",
        "approx",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "rep",
        "reps",
        "sen",
        "sens",
        "gov",
        "dept",
        "u.k",
        "u.n",
        "e.u",
    ]
)
CJK_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK = re.compile(f"[{CJK_CHARS}]")
CJK_RUN = re.compile(f"[{CJK_CHARS}]+")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
BREAK = re.compile(r"\n\s*\n|\n(?=\s*(?:[-*•]|\(\w{1,4}\)|\d+\.)\s)")
CANDIDATE = re.compile(r"[.!?。！？]+[\"'”’)\]]*(?=\s|$)|[。！？]")
CLAUSE_END = re.compile(r"(?<=[.;:?!])\s+(?=[\"“(A-Z0-9§])|(?<=[。！？；])")


@cache
def _to_simplified():
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """Chinese text in Simplified characters (實體清單 → 实体清单); other text unchanged. The glossary,
    the tokenizer's dictionary and CC-CEDICT lookups all read Simplified."""
    return _to_simplified().convert(text) if CJK.search(text) else text


def traditional_characters(text: str) -> list[str]:
    """The characters of `text` that are Traditional, each judged alone: OpenCC's phrase table
    also rewrites some Simplified words (覆盖 → 复盖), which are not mistakes of the writer."""
    convert = _to_simplified().convert
    return [c for c in dict.fromkeys(CJK.findall(text)) if convert(c) != c]


@cache
def _english_words() -> frozenset[str]:
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(["web2"], lower=True))


def is_common_word(word: str) -> bool:
    """Whether `word` is an ordinary English dictionary word ("lab", "chips", "companies"), which
    a capital or a possessive does not make a name; "Seagate" or "Huawei" are not (Webster's
    Second, through the `english-words` package)."""
    folded = word.casefold()
    words = _english_words()
    return any(
        form in words
        for form in (folded, folded.removesuffix("s"), folded.removesuffix("es"), folded.removesuffix("'s"))
        if form
    )


def detect_language(text: str) -> str:
    """`zh` when Chinese characters carry the question, else `en`.

    Mixed questions ("ECCN（出口管制分类编号）是什么？") count as Chinese when
    Chinese characters outnumber the Latin words' letters by a fair margin, since a
    Chinese speaker quoting an English term still reads the answer in Chinese.
    """
    han = len(CJK.findall(text))
    if han == 0:
        return "en"
    latin = sum(len(w) for w in LATIN_WORD.findall(text))
    return "zh" if han * 3 >= latin else "en"


def clause_cuts(text: str) -> list[int]:
    """Offsets where an oversize paragraph may be cut to fit a chunk.

    Coarser and more eager than `split_sentences`: it also cuts after `;` and `:`. It never
    cuts after an abbreviation (`50 U.S.C. 4817`, `Reps. Liccardo`, `Corp. v. United States`):
    a seam there leaves two fragments that cannot be quoted, and a fact between them that no
    answer can cite. (The chunker's version changes with these rules, so an index is rebuilt.)
    """
    cuts = []
    for match in CLAUSE_END.finditer(text):
        mark = text[match.start() - 1]
        if mark == "." and _is_abbreviation(text, _line_start(text, match.start()), match.start() - 1, "."):
            continue
        cuts.append(match.end())
    return cuts


def _line_start(text: str, at: int) -> int:
    return text.rfind("\n", 0, at) + 1


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each sentence, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    block_start = 0
    for match in [*BREAK.finditer(text), None]:
        block_end = match.start() if match else len(text)
        spans.extend(_split_block(text, block_start, block_end))
        if match:
            block_start = match.end()
    return spans


def _split_block(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    sentence_start = start
    for match in CANDIDATE.finditer(text, start, end):
        stop = match.end()
        if _is_abbreviation(text, sentence_start, match.start(), match.group(0)):
            continue
        following = text[stop:end].lstrip()
        if following and following[0].islower():
            continue
        spans.append((sentence_start, stop))
        sentence_start = stop
    spans.append((sentence_start, end))
    return [t for t in (_trim(text, a, b) for a, b in spans) if t]


def _is_abbreviation(text: str, start: int, dot: int, mark: str) -> bool:
    if not mark.startswith("."):
        return False
    word = re.search(r"([A-Za-z][A-Za-z.]*)$", text[start:dot])
    if word is None:
        return bool(re.search(r"\d$", text[start:dot])) and re.match(r"\.\d", text[dot : dot + 2]) is not None
    token = word.group(1).lower().rstrip(".")
    return token in ABBREVIATIONS or len(token) == 1


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def not_text(text: str) -> str | None:
    """Why `text` is not valid Unicode text (an undecodable byte or a lone surrogate), else None.

    Such strings cannot be encoded, so tokenizers, JSON and terminals would fail on them later.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return (
            f"Character {exc.start + 1} is not valid text (an undecodable byte or a lone "
            "surrogate); please retype it."
        )
    return None


# Characters of Chinese and Japanese text that NFKC would turn into ASCII punctuation (`，` into
# `,`): kept, so a Chinese sentence reads as written and its quote stays its own words.
_CJK_PUNCTUATION = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
_NOT_CJK_PUNCTUATION = re.compile(f"[^{_CJK_PUNCTUATION}]+")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\u2028\u2029\x85]")


def _invisible(ch: str) -> bool:
    """A format character (zero-width space and joiners, soft hyphen, bidi overrides, tag
    characters, BOM): it changes how a word is spelled in memory, not how it looks."""
    return unicodedata.category(ch) == "Cf"


def normalise_text(text: str) -> str:
    """Text as it is indexed, screened and quoted: NFKC (fullwidth and mathematical letters become
    plain letters, ligatures and odd spaces plain), format characters dropped, control characters
    other than tab and newline dropped, line breaks as `\\n`.

    Why: `Ig\\u200bnore` and `Ｉｇｎｏｒｅ` must be the same word to the injection screen, the
    tokenizer and the asker alike, and an escape sequence in stored text must never reach a
    terminal. Fullwidth CJK punctuation is left alone (see `_CJK_PUNCTUATION`).
    """
    text = _LINE_BREAKS.sub("\n", text)
    if text.isascii():
        return _CONTROLS.sub("", text)
    text = "".join(ch for ch in text if not _invisible(ch))
    text = _NOT_CJK_PUNCTUATION.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return _CONTROLS.sub("", text)


def strip_controls(text: str) -> str:
    """`text` without C0/C1 control characters (tab and newline kept): an escape sequence in a
    question would otherwise reach the moderator's terminal through `basis report`."""
    return _CONTROLS.sub("", _LINE_BREAKS.sub("\n", text))
