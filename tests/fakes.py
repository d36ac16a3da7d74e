"""A deterministic embedder for unit tests: hashed bag of words, no model, no network."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np

from bot.indexing.lexical import Tokenizer


class HashEmbedder:
    """Texts sharing words get similar vectors; identical texts get identical ones."""

    def __init__(self, dimension: int = 64, name: str = "fake-hash") -> None:
        self.name = name
        self.dimension = dimension
        self.max_seq_length = 256
        self.calls: list[list[str]] = []
        self._tokenizer = Tokenizer()

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        self.calls.append(list(texts))
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in self._tokenizer.tokenize(text) or ["<empty>"]:
                digest = hashlib.blake2b(token.encode(), digest_size=8).digest()
                rows[row, int.from_bytes(digest[:4], "little") % self.dimension] += 1.0
            norm = np.linalg.norm(rows[row])
            rows[row] /= norm if norm else 1.0
        return rows

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    def count_word_pieces(self, text: str) -> int:
        return len(text.split()) + 2

    @property
    def encoded_texts(self) -> int:
        return sum(len(batch) for batch in self.calls)


class ManualSpool:
    """Stands in for `bot.records.spool.WriteSpool` where a test decides when queued writes run."""

    def __init__(self) -> None:
        self.queued: list[tuple[str, Callable[[], None]]] = []

    def submit(self, description: str, write: Callable[[], None]) -> None:
        self.queued.append((description, write))

    def run(self) -> None:
        """Run every queued write in order, as the flusher would once the store answers."""
        while self.queued:
            _, write = self.queued.pop(0)
            write()

    def close(self, timeout: float) -> int:
        """What the real spool returns at shutdown: how many writes were left unsent."""
        return len(self.queued)
