"""Integration tests: the real offline model on real files.

Building a real index is the slow part (the model embeds every chunk), so each is built once:
the shipped knowledge base by the session fixture `real_knowledge` (tests/integration/conftest.py)
for every module that asks, each module opening its own `Basis` over it; the shared corpus by
its one module.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.indexing.build import BuildReport, build_index
from bot.indexing.embedder import Embedder
from bot.service import Basis, chunker_config, embedder_for
from bot.settings import Settings, load_settings

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


@dataclass
class RealIndex:
    settings: Settings
    embedder: Embedder
    report: BuildReport
    basis: Basis


def build_real(knowledge: Path, tmp_path_factory: pytest.TempPathFactory) -> RealIndex:
    """`knowledge` indexed with the real model in a temporary folder, opened as a `Basis`."""
    settings = load_settings(
        knowledge_dir=knowledge,
        index_dir=tmp_path_factory.mktemp("index"),
        data_dir=tmp_path_factory.mktemp("data"),
        llm_url=None,
        _env_file=None,
    )
    embedder = embedder_for(settings)
    report = build_index(
        knowledge, settings.index_dir, embedder, chunker_config(settings), settings.ann_threshold
    )
    return RealIndex(settings, embedder, report, Basis.open(settings, embedder=embedder))
