"""Shared fixtures: every test gets its own data and index directories and a fake embedder."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.clock import fixed
from bot.indexing.build import BuildReport, build_index
from bot.service import Basis, chunker_config
from bot.settings import Settings, load_settings
from tests.fakes import HashEmbedder
from tests.services import (
    POSTGRES_MISSING,
    REDIS_BINARY,
    REDIS_MISSING,
    PostgresServer,
    RedisServer,
    postgres_bin,
)

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = date(2026, 12, 1)
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep tests away from the developer's .env, index and data."""
    monkeypatch.chdir(tmp_path)
    for name in (
        "DISCORD_TOKEN",
        "BASIS_LLM_URL",
        "BASIS_INDEX_DIR",
        "BASIS_KNOWLEDGE_DIR",
        "BASIS_REDIS_URL",
        "BASIS_DATABASE_URL",
        "BASIS_MODEL_CACHE_DIR",
        "XDG_CACHE_HOME",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A real redis-server of this test's own; skipped only when the binary is not installed."""
    if shutil.which(REDIS_BINARY) is None:
        pytest.skip(REDIS_MISSING)
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()


@pytest.fixture
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL cluster of this test's own; skipped only when the binaries are not installed."""
    if postgres_bin() is None:
        pytest.skip(POSTGRES_MISSING)
    server = PostgresServer()
    server.start()
    yield server
    server.remove()


@pytest.fixture
def embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture
def knowledge_dir(tmp_path: Path) -> Path:
    """A copy of the hand-made fixture knowledge base that tests may change."""
    target = tmp_path / "knowledge"
    shutil.copytree(FIXTURES / "knowledge", target)
    return target


@pytest.fixture
def settings(tmp_path: Path, knowledge_dir: Path) -> Settings:
    return load_settings(
        knowledge_dir=knowledge_dir,
        index_dir=tmp_path / "index",
        data_dir=tmp_path / "data",
        abstain_threshold=0.2,
        _env_file=None,
    )


@pytest.fixture
def built(settings: Settings, embedder: HashEmbedder) -> BuildReport:
    """The fixture knowledge base indexed with the fake embedder (its calls are then reset)."""
    report = build_index(
        settings.knowledge_dir, settings.index_dir, embedder, chunker_config(settings), settings.ann_threshold
    )
    embedder.calls.clear()
    return report


@pytest.fixture
def basis(settings: Settings, embedder: HashEmbedder, built: BuildReport) -> Basis:
    """The service with its clock frozen on the day the fixtures were written for."""
    return Basis.open(settings, embedder=embedder, clock=fixed(TODAY))


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch, embedder: HashEmbedder) -> HashEmbedder:
    """Every embedder the CLI and the service make from settings is the fake one: no model loads."""
    import bot.knowledge_base
    import bot.service

    monkeypatch.setattr(bot.service, "embedder_for", lambda settings: embedder)
    monkeypatch.setattr(bot.knowledge_base, "embedder_for", lambda settings: embedder)
    return embedder


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "corpus").is_dir():
        pytest.skip(f"shared corpus not found at {SHARED} (it sits beside the project in CI and dev)")
    return SHARED
