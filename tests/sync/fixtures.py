"""The API stub on 127.0.0.1, a fixture knowledge base that tracks it, and a Basis over both.

Imported by the conftest here and by the fault and Discord tests that drive a sync.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.indexing.build import BuildReport
from bot.service import Basis
from bot.settings import Settings
from tests.fakes import HashEmbedder
from tests.helpers import LocalServer
from tests.sync.stub import KEY, ApiStub

NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
SOURCES = """\
output: synced
ecfr:
  title: 15
  parts:
    - {part: 734, sections: ["734.13", "734.15"]}
    - {part: 744, sections: ["744.11"]}
federal_register:
  agencies: [industry-and-security-bureau]
  since: 2026-01-01
  slice_days: 366
  per_page: 2
congress:
  bills:
    - {congress: 119, type: hr, number: 3447}
"""


@pytest.fixture
def stub() -> Iterator[ApiStub]:
    api = ApiStub.default()
    with LocalServer(api.handle) as server:
        api.base = server.url("").rstrip("/")
        yield api


@pytest.fixture
def sync_settings(settings: Settings, knowledge_dir: Path, stub: ApiStub) -> Settings:
    (knowledge_dir / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    return settings.model_copy(
        update={
            "ecfr_api_base": stub.base,
            "federal_register_api_base": stub.base,
            "congress_api_base": stub.base,
            "congress_api_key": SecretStr(KEY),
            "sync_retries": 2,
        }
    )


@pytest.fixture
def basis(sync_settings: Settings, embedder: HashEmbedder, built: BuildReport) -> Basis:
    """A Basis over the fixture knowledge base, which now tracks the stub."""
    return Basis.open(sync_settings, embedder=embedder)


def recorder(waits: list[float]) -> Callable[[float], None]:
    """A sleep that records the wait instead of waiting."""
    return waits.append
