"""The sentence-transformers (torch) path: for fine-tuning, and as the baseline the ONNX path is
measured against. Serving never imports this module; it needs the `train` extra.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from bot.errors import ModelLoadError
from bot.indexing.embedder import read_tuned_manifest, resolve_model_path, verified_delta_file


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 (or another local model) through sentence-transformers."""

    def __init__(self, model: str, device: str = "cpu", threads: int | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        path = resolve_model_path(model)
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelLoadError(
                "The torch runtime needs the train extra: pip install -e '.[train]' "
                "(see docs/serving.md for the CPU-only torch build)."
            ) from exc

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


def load_tuned_torch(device: str = "cpu", threads: int | None = None) -> SentenceTransformerEmbedder:
    """The base model with the committed fine-tuned deltas added, in torch (training, baseline)."""
    manifest = read_tuned_manifest()
    embedder = SentenceTransformerEmbedder(manifest.base, device, threads)
    embedder.add_delta(verified_delta_file(manifest), manifest.name)
    return embedder
