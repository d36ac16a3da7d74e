"""Cogs are discord.py extensions loaded by name: the client imports no cog, no cog imports the client."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

from bot.discord_app import client
from bot.discord_app.client import COGS, DAILY_SYNC, INDEX_WATCH, extensions
from bot.settings import Settings

APP = Path(client.__file__).resolve().parent


def _imported(path: Path) -> set[str]:
    """Every module `path` imports, at any depth (inside `if TYPE_CHECKING:` too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_every_extension_is_a_module_with_an_async_setup() -> None:
    for name in (*COGS, DAILY_SYNC, INDEX_WATCH):
        setup = importlib.import_module(name).setup
        assert inspect.iscoroutinefunction(setup), name


def test_the_client_imports_no_extension() -> None:
    assert _imported(Path(client.__file__)) & {*COGS, DAILY_SYNC, INDEX_WATCH} == set()


@pytest.mark.parametrize("path", sorted(APP.rglob("*.py")), ids=lambda p: str(p.relative_to(APP)))
def test_nothing_but_the_package_entry_imports_the_client(path: Path) -> None:
    if (path.name == "__init__.py" and path.parent == APP) or path == Path(client.__file__):
        return
    assert "bot.discord_app.client" not in _imported(path)


def test_optional_extensions_follow_the_settings() -> None:
    plain = Settings(_env_file=None, sync_daily=False, index_poll_seconds=0)
    assert extensions(plain) == list(COGS)
    both = Settings(_env_file=None, sync_daily=True, index_poll_seconds=5)
    assert extensions(both) == [*COGS, DAILY_SYNC, INDEX_WATCH]
