"""Which language a question is in, for answers in the asker's language."""

from __future__ import annotations

import re

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


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
