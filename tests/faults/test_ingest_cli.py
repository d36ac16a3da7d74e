"""`basis kb add` with a URL of an unsupported scheme, or a path that is not there (issue 11, item 4)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.corpus.fetch import url_scheme

pytestmark = pytest.mark.faults
ROOT = Path(__file__).resolve().parents[2]


def _basis(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BASIS_INDEX_DIR": str(cwd / "index")}
    env["BASIS_KNOWLEDGE_DIR"] = str(cwd / "knowledge")
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "source",
    ["ftp://example.org/rule.txt", "file:///etc/passwd", "gopher://example.org/1", "mailto:bis@example.org"],
)
def test_an_unsupported_scheme_is_one_line_naming_the_accepted_ones(tmp_path: Path, source: str) -> None:
    result = _basis("kb", "add", source, cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "http://" in lines[0] and "https://" in lines[0] and source in lines[0]
    assert not (tmp_path / "knowledge").exists()


def test_a_missing_file_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    result = _basis("kb", "add", "no-such-rule.md", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "Error: no-such-rule.md: file: cannot be read (No such file or directory)"
    ]


@pytest.mark.parametrize(
    ("source", "scheme"),
    [
        ("ftp://x/y", "ftp"),
        ("HTTPS://example.org", "https"),
        ("mailto:a@b", "mailto"),
        ("rules/entity-list.md", None),
        ("C:\\docs\\rule.md", None),
        ("C:/docs/rule.md", None),
        ("notes: a file.md", None),
    ],
)
def test_urls_are_told_apart_from_paths(source: str, scheme: str | None) -> None:
    assert url_scheme(source) == scheme
