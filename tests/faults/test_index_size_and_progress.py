"""Issue 11 item 10: a huge file is skipped at build time, and a build off a TTY shows it is alive."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.indexing import progress, store
from bot.indexing.progress import ProgressLines
from bot.knowledge_base import build
from bot.settings import Settings, load_settings
from tests.fakes import HashEmbedder
from tests.helpers import FIXTURE_IDS, front_matter_doc, run_basis

pytestmark = pytest.mark.faults

LIMIT = 50_000


def _huge(knowledge_dir: Path) -> Path:
    path = knowledge_dir / "huge.md"
    sentence = "Export licence applications are reviewed case by case. "
    path.write_text(front_matter_doc("huge", body="## Long\n\n" + sentence * 1_200), "utf-8")
    return path


class FakeClock:
    """Time moves only when read: `step` seconds per reading."""

    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def test_a_document_over_the_cap_is_skipped_with_the_reason(
    settings: Settings, embedder: HashEmbedder
) -> None:
    size = _huge(settings.knowledge_dir).stat().st_size
    assert size > LIMIT
    report = build(settings.model_copy(update={"max_document_bytes": LIMIT}), embedder)
    assert report.skipped == [
        ("huge.md", f"huge.md: file: {size:,} bytes is over the {LIMIT:,}-byte limit for one document")
    ]
    assert set(report.added) == FIXTURE_IDS
    assert not any("case by case" in text for batch in embedder.calls for text in batch)
    manifest = store.read_manifest(settings.index_dir / store.CURRENT)
    assert [s["file"] for s in manifest["skipped"]] == ["huge.md"]


def test_the_cap_is_a_setting_read_by_the_cli(
    fake_model: HashEmbedder,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _huge(settings.knowledge_dir)
    monkeypatch.setenv("BASIS_MAX_DOCUMENT_BYTES", str(LIMIT))
    argv = ["index", "build", "--knowledge", str(settings.knowledge_dir), "--index", str(settings.index_dir)]
    assert run_basis(argv, monkeypatch) == 0
    captured = capsys.readouterr()
    assert (
        f"skipped huge.md: file: {_huge(settings.knowledge_dir).stat().st_size:,} bytes is over"
        in captured.err
    )
    assert "1 skipped" in captured.out


def test_the_default_cap_never_skips_an_accepted_upload() -> None:
    defaults = load_settings(_env_file=None)
    assert defaults.max_document_bytes >= defaults.max_upload_bytes


def test_progress_lines_at_each_stage_and_every_interval() -> None:
    lines: list[str] = []
    report = ProgressLines(lines.append, interval=5.0, clock=FakeClock(step=2.0))
    report("reading", 0, 0)
    for done in range(10):
        report("chunking", done, 10)
    report("chunking", 10, 10)
    report("embedding", 64, 128)
    report("embedding", 128, 128)
    report("writing", 0, 0)
    assert lines == [
        "reading (2 s)",
        "chunking 0/10 (4 s)",
        "chunking 3/10 (10 s)",  # 6 s after the last line: the first reading past the interval
        "chunking 6/10 (16 s)",
        "chunking 9/10 (22 s)",
        "chunking 10/10 (24 s)",  # a stage's end is always shown
        "embedding 64/128 (26 s)",
        "embedding 128/128 (28 s)",
        "writing (30 s)",
    ]


def test_a_build_off_a_tty_prints_progress_lines(
    fake_model: HashEmbedder,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(progress, "time", SimpleNamespace(monotonic=FakeClock(step=10.0)))
    argv = ["index", "build", "--knowledge", str(settings.knowledge_dir), "--index", str(settings.index_dir)]
    assert run_basis(argv, monkeypatch) == 0
    lines = capsys.readouterr().err.splitlines()
    stages = [line.split(" ")[0] for line in lines]
    assert stages[0] == "reading" and stages[-1] == "writing"
    assert stages.count("chunking") == 8  # every document, since each reading is 10 fake seconds apart
    assert re.fullmatch(r"embedding (\d+)/\1 \(\d+ s\)", lines[-2])  # the last embedding line: all done
