"""The documentation's settings table and bot/settings.py name the same environment variables.

The table is `docs/operators/settings.md`; every other page and the README may name only
settings that exist. The README stays a short front page (issue 22): the rest is the site.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SETTINGS_PAGE = ROOT / "docs" / "operators" / "settings.md"
README_MOST_LINES = 250
NAMED = re.compile(r"\b(?:BASIS_[A-Z][A-Z0-9_]*|DISCORD_TOKEN)\b")

# A value for each setting's environment variable, different from its default.
SAMPLES: dict[str, tuple[str, object]] = {
    "knowledge_dir": ("/srv/kb", Path("/srv/kb")),
    "index_dir": ("/srv/index", Path("/srv/index")),
    "data_dir": ("/srv/data", Path("/srv/data")),
    "shared_corpus_dir": ("/srv/corpus", Path("/srv/corpus")),
    "corpus_index_dir": ("/srv/corpus-index", Path("/srv/corpus-index")),
    "eval_dir": ("/srv/eval", Path("/srv/eval")),
    "model": ("/models/e5", "/models/e5"),
    "device": ("cuda", "cuda"),
    "model_threads": ("2", 2),
    "build_threads": ("3", 3),
    "runtime": ("torch", "torch"),
    "model_cache_dir": ("/srv/models", Path("/srv/models")),
    "chunk_tokens": ("180", 180),
    "chunk_overlap": ("16", 16),
    "ann_threshold": ("1000", 1000),
    "max_document_bytes": ("50000", 50000),
    "build_keep_seconds": ("30", 30.0),
    "index_poll_seconds": ("0.5", 0.5),
    "fusion": ("weighted", "weighted"),
    "rrf_k": ("60", 60),
    "dense_weight": ("0.7", 0.7),
    "candidates": ("40", 40),
    "top_k": ("8", 8),
    "per_section": ("4", 4),
    "per_document": ("6", 6),
    "abstain_threshold": ("0.5", 0.5),
    "max_question_chars": ("300", 300),
    "stale_after_days": ("7", 7),
    "llm_url": ("http://127.0.0.1:9/v1/chat/completions", "http://127.0.0.1:9/v1/chat/completions"),
    "llm_model": ("local", "local"),
    "llm_api_key": ("sk-test", "sk-test"),
    "llm_timeout": ("5", 5.0),
    "llm_prompt_tokens": ("2000", 2000),
    "discord_token": ("token-test", "token-test"),
    "dev_guild_id": ("42", 42),
    "moderator_role_ids": ("1, 2", [1, 2]),
    "discord_api_base": ("http://127.0.0.1:8080/api/v10", "http://127.0.0.1:8080/api/v10"),
    "discord_gateway_url": ("ws://127.0.0.1:8080/gw", "ws://127.0.0.1:8080/gw"),
    "rate_limit_count": ("3", 3),
    "rate_limit_seconds": ("30", 30.0),
    "redis_url": ("redis://127.0.0.1:6380/0", "redis://127.0.0.1:6380/0"),
    "database_url": (
        "postgresql://basis:pw@127.0.0.1:5433/basis",
        "postgresql://basis:pw@127.0.0.1:5433/basis",
    ),
    "max_upload_bytes": ("1000", 1000),
    "fetch_timeout": ("2.5", 2.5),
    "url_allow_hosts": ("Wiki.Internal., docs.lan", ["wiki.internal", "docs.lan"]),
    "discord_mode": ("mention", "mention"),
    "channels": ("5, 6", [5, 6]),
    "forum_channels": ("9", [9]),
    "shard_count": ("4", 4),
    "shard_ids": ("0,2-3", "0,2-3"),
    "sources_file": ("/srv/sources.yaml", Path("/srv/sources.yaml")),
    "ecfr_api_base": ("http://127.0.0.1:9/ecfr", "http://127.0.0.1:9/ecfr"),
    "federal_register_api_base": ("http://127.0.0.1:9/fr", "http://127.0.0.1:9/fr"),
    "congress_api_base": ("http://127.0.0.1:9/congress", "http://127.0.0.1:9/congress"),
    "congress_api_key": ("key-test", "key-test"),
    "sync_timeout": ("10", 10.0),
    "sync_retries": ("1", 1),
    "sync_max_wait": ("5", 5.0),
    "sync_daily": ("true", True),
    "sync_hour_utc": ("3", 3),
    "sync_channel_id": ("77", 77),
    "question_log": ("false", False),
    "question_log_off_guilds": ("7, 8", [7, 8]),
    "question_log_cli": ("true", True),
    "question_log_days": ("30", 30),
    "report_days": ("7", 7),
    "report_cluster_distance": ("0.3", 0.3),
    "report_stale_days": ("365", 365),
}


def env_name(field: str) -> str:
    alias = Settings.model_fields[field].validation_alias
    return alias if isinstance(alias, str) else f"BASIS_{field.upper()}"


def _settings_page() -> str:
    assert SETTINGS_PAGE.is_file(), f"{SETTINGS_PAGE} is missing"
    return SETTINGS_PAGE.read_text("utf-8")


def _every_document() -> dict[Path, str]:
    """README.md and every page of the docs site."""
    paths = [README, *sorted((ROOT / "docs").rglob("*.md"))]
    return {path: path.read_text("utf-8") for path in paths}


def _table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("|")]


def test_every_setting_has_a_sample() -> None:
    assert set(SAMPLES) == set(Settings.model_fields)


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_each_setting_is_read_from_its_variable(field: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The names the settings page must document are the ones Settings really reads."""
    raw, expected = SAMPLES[field]
    monkeypatch.setenv(env_name(field), raw)
    value = getattr(load_settings(_env_file=None), field)
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    assert value == expected


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_settings_table_lists_every_setting(field: str) -> None:
    rows = _table_rows(_settings_page())
    name = env_name(field)
    assert any(re.search(rf"\b{name}\b", row) for row in rows), f"{name} is not in the settings table"


def _cells(row: str) -> list[str]:
    return [cell.strip().strip("`").strip() for cell in row.strip().strip("|").split("|")]


def _shows_default(cell: str, default: object) -> bool:
    if default is None or default == []:
        return cell.lower() in {"(none)", "none", "—", "-", "", "unset", "(unset)"}
    if isinstance(default, Path):  # a path under the home folder is shown as ~/…
        return Path(cell).expanduser() == default
    if isinstance(default, bool | str):
        return cell == str(default)
    try:
        return float(cell.replace(",", "").replace("_", "")) == float(default)  # type: ignore[arg-type]
    except ValueError:
        return False


def test_settings_table_shows_the_real_defaults() -> None:
    by_name = {env_name(f): f for f in Settings.model_fields}
    checked = 0
    for row in _table_rows(_settings_page()):
        cells = _cells(row)
        field = by_name.get(cells[0])
        if field is None or len(cells) < 3:
            continue
        info = Settings.model_fields[field]
        default = info.default_factory() if info.default_factory else info.default  # type: ignore[call-arg]
        assert _shows_default(cells[1], default), (
            f"{cells[0]}: the settings page says {cells[1]!r}, settings {default!r}"
        )
        checked += 1
    assert checked >= len(Settings.model_fields)


def test_the_docs_name_only_real_settings() -> None:
    real = {env_name(f) for f in Settings.model_fields}
    unknown = {
        f"{path.relative_to(ROOT)}: {name}"
        for path, text in _every_document().items()
        for name in NAMED.findall(text)
        if name not in real
    }
    assert sorted(unknown) == []


def test_the_readme_stays_a_short_front_page() -> None:
    lines = README.read_text("utf-8").count("\n")
    assert lines <= README_MOST_LINES, f"README.md has {lines} lines; move detail into docs/"
