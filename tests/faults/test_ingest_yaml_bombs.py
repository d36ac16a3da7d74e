"""Issue 23 item 8: a YAML alias bomb is refused, in one line, by every YAML Basis reads (the glossary,
front matter, the Chinese twins, sources.yaml, a synced file's front matter), before anything expands.

The bombs here expand to about a million values, which the old loader built without complaint (a
1 KB bomb of the same shape with more levels took 21.9 GB); they are refused once the count of
expanded values passes the cap, and a harmless alias still loads.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.corpus.loaders import document_from_bytes
from bot.corpus.yaml_text import load_front_matter, load_yaml
from bot.errors import DocumentError, SyncError
from bot.sync.tracked import load_tracked

pytestmark = pytest.mark.faults


def bomb(levels: int = 6) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def test_the_one_loader_refuses_anchors_and_aliases() -> None:
    with pytest.raises(Exception, match=r"aliases expand it past 200,000 values at line 6"):
        load_yaml(bomb())
    assert load_yaml("term: EAR\nzh: [出口管理条例]\n") == {"term": "EAR", "zh": ["出口管理条例"]}
    assert load_yaml("a: &s [1, 2]\nb: *s\n") == {"a": [1, 2], "b": [1, 2]}


def test_a_glossary_bomb_is_one_line_from_kb_check(knowledge_dir: Path) -> None:
    glossary = "- term: EAR\n  definition: x\n" + "".join(
        f"  a{i}: &a{i} [{', '.join([f'*a{i - 1}' if i else 'lol'] * 10)}]\n" for i in range(7)
    )
    (knowledge_dir / "glossary.yaml").write_text(glossary, encoding="utf-8")
    result = CliRunner().invoke(app, ["kb", "check", str(knowledge_dir)])
    assert "glossary.yaml: yaml: malformed: aliases expand it past 200,000 values" in result.stdout
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_a_twins_bomb_is_one_line_from_kb_check(knowledge_dir: Path) -> None:
    """The twins take no anchor at all, nor nesting past their shape: refused by the one loader."""
    (knowledge_dir / "zh").mkdir(exist_ok=True)
    (knowledge_dir / "zh" / "x.yaml").write_text(bomb() + "document: x\n", encoding="utf-8")
    (knowledge_dir / "zh" / "y.yaml").write_text("document: y\nsentences: " + "[" * 50 + "]" * 50, "utf-8")
    result = CliRunner().invoke(app, ["kb", "check", str(knowledge_dir)])
    shown = " ".join(result.stdout.split())
    assert "zh/x.yaml: yaml: malformed: anchors and aliases are not allowed (line 1)" in shown
    assert "zh/y.yaml: yaml: malformed: nested more than 4 levels deep at line 2" in shown
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_a_front_matter_bomb_is_refused_at_kb_add() -> None:
    upload = ("---\n" + bomb() + "id: x\n---\nThe EAR applies.\n").encode()
    with pytest.raises(DocumentError, match="front matter: malformed YAML: aliases expand it past"):
        document_from_bytes(upload, "x.md")
    with pytest.raises(Exception, match="aliases expand it past"):
        load_front_matter(upload.decode())


def test_a_sources_bomb_is_refused_by_sync(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(bomb() + "output: synced\n", encoding="utf-8")
    with pytest.raises(SyncError, match="aliases expand it past"):
        load_tracked(path)
