"""Lexical search with bm25s over our own tokens.

One tokenizer serves documents and questions alike: English words are
lower-cased and Snowball-stemmed, legal numbers (`734.13`, `4e091`) stay whole,
and Chinese runs are segmented with jieba (search mode), with glossary terms
registered so `视同出口` stays one word.

The tokenizer is an object with its own jieba dictionary, built from one
glossary and kept beside the index and glossary it belongs to, so what
`tokenize` returns never depends on what else the process has loaded.
A build saves how it cut every Chinese run of the chunks (`segments.json`, with the
glossary terms it knew); a tokenizer given those cuts reuses them, so answering
from the index loads jieba's dictionary (about a second) only for new Chinese text.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import unicodedata
from collections import ChainMap
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import bm25s
import jieba
import numpy as np
import Stemmer

from bot.corpus.glossary_file import GlossaryEntry
from bot.text import CJK_RUN

FOLDER = "lexical"
SEGMENTS = "segments.json"
TERM_FREQUENCY = 200_000  # high enough that jieba never cuts a glossary term
WORD = re.compile(r"[a-z0-9]+(?:[.\-][a-z0-9]+)*")
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "may",
        "might",
        "must",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "shall",
        "should",
        "so",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "under",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "about",
        "also",
        "any",
        "each",
        "other",
        "的",
        "了",
        "是",
        "吗",
        "呢",
        "在",
        "和",
        "与",
        "及",
        "对",
        "由",
        "把",
        "被",
        "什么",
        "为什么",
        "怎么",
        "如何",
        "哪些",
        "哪个",
        "谁",
        "吧",
        "啊",
        "有",
        "也",
        "都",
        "就",
        "这",
        "那",
        "这个",
        "那个",
    ]
)

jieba.setLogLevel(logging.WARNING)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _base_dictionary() -> tuple[dict[str, int], int]:
    """jieba's default dictionary (word frequencies and their total), read once per process.

    Loading it takes about a second and some 70 MB; every `Tokenizer` reads it through an
    overlay of its own added terms, so each costs milliseconds and no memory to speak of,
    and none sees another's terms.
    """
    base = jieba.Tokenizer()
    base.initialize()
    return base.FREQ, base.total


@dataclass(frozen=True)
class Segments:
    """How Chinese runs were cut (run → jieba's search-mode words), and the glossary terms known then."""

    terms: tuple[str, ...]
    cuts: dict[str, list[str]]

    def save(self, folder: Path) -> None:
        data = {"terms": list(self.terms), "cuts": self.cuts}
        (folder / SEGMENTS).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> Segments | None:
        """None for an index built before segments were saved."""
        try:
            data = json.loads((folder / SEGMENTS).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        return cls(tuple(data["terms"]), {run: list(words) for run, words in data["cuts"].items()})


class Tokenizer:
    """bm25 tokens and Chinese word boundaries, with one glossary's Chinese terms kept whole."""

    def __init__(self, terms: Iterable[str] = (), known: Segments | None = None) -> None:
        self.terms = tuple(t for t in terms if CJK_RUN.fullmatch(t))
        self._segmenter: jieba.Tokenizer | None = None
        self._lock = threading.Lock()
        self._cuts: dict[str, list[str]] = {}
        # A build's tokenizer (no `known`) keeps every cut, to save them; a serving one only reads
        # the build's, so the Chinese of every question it is asked never piles up in memory.
        self._records = known is None
        if known is not None and known.terms == tuple(sorted(set(self.terms))):
            self._cuts.update(known.cuts)

    @property
    def _jieba(self) -> jieba.Tokenizer:
        """jieba with this glossary's terms, made on the first Chinese text: loading its dictionary
        costs about a second, which an English question in a one-off `basis ask` never pays."""
        if self._segmenter is None:
            with self._lock:
                if self._segmenter is None:
                    freq, total = _base_dictionary()
                    segmenter = jieba.Tokenizer()
                    segmenter.FREQ = ChainMap({}, freq)  # added words (and prefixes) go to the overlay
                    segmenter.total = total
                    segmenter.initialized = True
                    for term in self.terms:
                        segmenter.add_word(term, freq=TERM_FREQUENCY)
                    self._segmenter = segmenter
        return self._segmenter

    @classmethod
    def for_glossary(cls, entries: Iterable[GlossaryEntry], known: Segments | None = None) -> Tokenizer:
        """A tokenizer taught every Chinese word of the glossary's entries, search aliases too;
        `known` cuts are reused when they were made with the same terms."""
        return cls((z for e in entries for z in e.chinese_names), known)

    def segments(self) -> Segments:
        """Every Chinese run this tokenizer has cut, with the terms it knew: what a build saves."""
        return Segments(tuple(sorted(set(self.terms))), dict(self._cuts))

    def _cut(self, run: str) -> list[str]:
        cut = self._cuts.get(run)
        if cut is None:
            cut = self._jieba.lcut_for_search(run)
            if self._records:
                self._cuts[run] = cut
        return cut

    def tokenize(self, text: str) -> list[str]:
        text = unicodedata.normalize("NFKC", text).lower()
        tokens: list[str] = []
        position = 0
        for match in CJK_RUN.finditer(text):
            tokens.extend(_english(text[position : match.start()]))
            tokens.extend(w for w in self._cut(match.group(0)) if w not in STOPWORDS)
            position = match.end()
        tokens.extend(_english(text[position:]))
        return tokens

    def words(self, text: str) -> list[str]:
        """jieba's word boundaries (accurate mode), for matching glossary terms in a question."""
        return self._jieba.lcut(text)


def _english(text: str) -> list[str]:
    words = [w.strip(".-") for w in WORD.findall(text)]
    words = [w for w in words if w and w not in STOPWORDS]
    return _stemmer().stemWords(words)


class LexicalIndex:
    """A bm25s index over chunk texts, saved and memory-mapped like the dense one."""

    def __init__(self, retriever: bm25s.BM25) -> None:
        self._retriever = retriever
        self._vocab: dict[str, int] = retriever.vocab_dict

    @classmethod
    def build(cls, texts: list[str], tokenizer: Tokenizer) -> LexicalIndex:
        retriever = bm25s.BM25()
        retriever.index([tokenizer.tokenize(t) or [""] for t in texts], show_progress=False)
        return cls(retriever)

    def save(self, folder: Path) -> None:
        self._retriever.save(str(folder / FOLDER), show_progress=False)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        return cls(bm25s.BM25.load(str(folder / FOLDER), mmap=True, show_progress=False))

    def knows(self, token: str) -> bool:
        """Whether any indexed chunk contains this (already tokenized) token."""
        return token in self._vocab

    def idf_table(self, tokens: list[str]) -> dict[str, float]:
        """Inverse document frequency of each token, for weighting sentence overlap."""
        indptr = self._retriever.scores["indptr"]
        total = max(1, int(self._retriever.scores["num_docs"]))
        table = {}
        for token in set(tokens):
            column = self._vocab.get(token)
            df = int(indptr[column + 1] - indptr[column]) if column is not None else 0
            table[token] = float(np.log(1 + (total - df + 0.5) / (df + 0.5)))
        return table

    def search(self, query: str, k: int, tokenizer: Tokenizer) -> list[tuple[int, float]]:
        tokens = [t for t in tokenizer.tokenize(query) if t in self._vocab]
        if not tokens:
            return []
        scores = self._retriever.get_scores(tokens)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        ranked = sorted(top, key=lambda i: -scores[i])
        return [(int(i), float(scores[i])) for i in ranked if scores[i] > 0]
