"""Imports point down the data path: no module imports a package in its own layer or above.

The layers are the table in docs/developers/architecture.md, so the rule that
is written down and the rule that is checked are the same text. Every import in
`bot/` counts, including those inside functions (the lazy imports of the CLI).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOT = ROOT / "bot"
LAYER_PAGE = ROOT / "docs" / "developers" / "architecture.md"
ROW = re.compile(r"^\|\s*(\d+)\s*\|([^|]*)\|")


def _layers() -> dict[str, int]:
    """Package → layer, read from the layer table of the docs (`| 3 | `glossary` | … |`)."""
    section = LAYER_PAGE.read_text("utf-8").split("## Which package may import which", 1)[1]
    layers: dict[str, int] = {}
    for line in section.splitlines():
        row = ROW.match(line)
        if row:
            for package in re.findall(r"`([^`]+)`", row.group(2)):
                layers[package] = int(row.group(1))
    return layers


def _package(module: str) -> str | None:
    """`bot.indexing.lexical` → `indexing`, `bot.cli` → `cli`, `bot` → `__init__`; None outside `bot`."""
    parts = module.split(".")
    if parts[0] != "bot":
        return None
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, imported module) for every import in `source`, relative imports resolved."""
    here = module.split(".") if is_package else module.split(".")[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            parts = here[: len(here) - node.level + 1] if node.level else []
            base = ".".join([*parts, *([node.module] if node.module else [])])
            if base == "bot":
                found.extend((node.lineno, f"bot.{alias.name}") for alias in node.names)
            else:
                found.append((node.lineno, base))
    return found


def _violations(where: str, module: str, imports: list[tuple[int, str]], layers: dict[str, int]) -> list[str]:
    source = _package(module)
    if source not in layers:
        return [f"{where}: package {source!r} is not in the layer table (docs/developers/architecture.md)"]
    problems = []
    for line, imported in imports:
        target = _package(imported)
        if target is None or target == source:
            continue
        if target not in layers:
            problems.append(f"{where}:{line}: imports {imported}, whose package is not in the layer table")
        elif layers[target] >= layers[source]:
            problems.append(
                f"{where}:{line}: {source} (layer {layers[source]}) "
                f"imports {imported} (layer {layers[target]})"
            )
    return problems


def _front_end_rule() -> tuple[set[str], set[str]]:
    """(front-end packages, what they may import besides layer 0), read from "Front ends reach
    only the services" in the docs: the front ends are named before its list, the packages
    (`service`) and modules (`answering.labels`) they may import in it."""
    section = LAYER_PAGE.read_text("utf-8").split("### Front ends reach only the services", 1)[1]
    intro, rest = section.split("\n- ", 1)
    allowed_list = rest.split("\n\n", 1)[0]
    return set(re.findall(r"`([^`]+)`", intro)), set(re.findall(r"`([^`]+)`", allowed_list))


def _front_end_violations(
    where: str, module: str, imports: list[tuple[int, str]], layers: dict[str, int]
) -> list[str]:
    """Imports of a front end that reach below the services: anything but layer 0, another
    front end, and the packages and modules the docs allow."""
    front_ends, allowed = _front_end_rule()
    if _package(module) not in front_ends:
        return []
    problems = []
    for line, imported in imports:
        target = _package(imported)
        if target is None or target in front_ends or target in allowed or layers.get(target) == 0:
            continue
        if any(imported == f"bot.{m}" or imported.startswith(f"bot.{m}.") for m in allowed):
            continue
        problems.append(
            f"{where}:{line}: front end {_package(module)} imports {imported}, below the services"
        )
    return problems


def test_the_layer_table_orders_the_core() -> None:
    layers = _layers()
    order = [
        "text",
        "corpus",
        "indexing",
        "glossary",
        "retrieval",
        "answering",
        "answering_service",
        "service",
        "cli",
    ]
    assert [layers[p] for p in order] == sorted(layers[p] for p in order)
    assert len({layers[p] for p in order}) == len(order)


def test_no_module_imports_its_own_layer_or_above() -> None:
    layers = _layers()
    problems = []
    for path in sorted(BOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        module = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
        imports = _imports(path.read_text("utf-8"), module, path.name == "__init__.py")
        problems.extend(_violations(str(relative), module, imports, layers))
        problems.extend(_front_end_violations(str(relative), module, imports, layers))
    assert problems == []


@pytest.mark.parametrize(
    ("module", "statement", "below"),
    [
        ("bot.cli", "def f():\n    from bot.indexing import store", True),
        ("bot.cli", "from bot.indexing.store import read_manifest", True),
        ("bot.cli", "from bot.records.stores import open_stores", True),
        ("bot.cli_render", "from bot.retrieval.search import SearchResult", True),
        ("bot.discord_app.render", "from bot.corpus.glossary_file import GlossaryEntry", True),
        ("bot.discord_app.cogs.kb", "from bot.answering.answer import compose_answer", True),
        ("bot.cli", "from bot.knowledge_base import KnowledgeBase", False),
        ("bot.cli", "from bot.answering_service import define", False),
        ("bot.cli", "from bot.errors import BasisError", False),
        ("bot.cli", "from bot.evaluation import eval_table", False),
        ("bot.discord_app.render", "from bot.answering.labels import source_label", False),
        ("bot.training", "from bot.indexing import store", False),
    ],
)
def test_front_ends_import_nothing_below_the_services(module: str, statement: str, below: bool) -> None:
    assert _front_end_rule()[0] == {"cli", "cli_render", "discord_app"}
    imports = _imports(statement + "\n", module, is_package=False)
    assert bool(_front_end_violations(module, module, imports, _layers())) == below


@pytest.mark.parametrize(
    ("module", "statement", "upward"),
    [
        ("bot.retrieval.probe", "from bot.answering.answer import compose_answer", True),
        ("bot.corpus.probe", "def f():\n    from bot.glossary import Glossary", True),
        ("bot.models", "import bot.text", True),
        ("bot.indexing.probe", "from .. import retrieval", True),
        ("bot.answering.probe", "from bot.retrieval import search", False),
        ("bot.answering.probe", "from . import labels", False),
        ("bot.cli", "from bot import service", False),
    ],
)
def test_the_check_sees_every_import_form(module: str, statement: str, upward: bool) -> None:
    imports = _imports(statement + "\n", module, is_package=False)
    assert bool(_violations(module, module, imports, _layers())) == upward
