"""The tracked-sources file: the bundled one is valid and matches the knowledge base; bad files say why."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.corpus.knowledge import load_knowledge
from bot.corpus.source_changes import source_keys
from bot.errors import SyncError
from bot.sync.tracked import load_tracked
from tests.sync.fixtures import SOURCES

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


def test_the_bundled_file_tracks_what_the_knowledge_base_cites() -> None:
    tracked = load_tracked(KNOWLEDGE / "sources.yaml")
    docs = load_knowledge(KNOWLEDGE).documents
    cited = {k for d in docs for ref in d.sources for k in source_keys(ref.official)[:1]}
    sections = {f"ecfr:15:{s}" for p in tracked.ecfr.parts for s in p.sections}
    assert sections <= cited  # nothing tracked that no explainer cites
    assert {k for k in cited if k.startswith("ecfr:15:") and "part" not in k} <= sections
    bills = {
        f"bill:{b.congress}:{'house' if b.type == 'hr' else 'senate'}-bill:{b.number}"
        for b in tracked.congress.bills
    }
    curated_bills = {
        k
        for d in docs
        if d.path.startswith("bills/")
        for k in source_keys(d.official)
        if k.startswith("bill:")
    }
    assert curated_bills <= bills
    assert tracked.federal_register.agencies == ["industry-and-security-bureau"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (SOURCES.replace("output: synced", "output: rules"), "output: Value error, must be one folder name"),
        (SOURCES.replace("output: synced", "output: ../elsewhere"), "output: Value error"),
        (
            SOURCES.replace('"734.15"', '"744.15"'),
            "ecfr.parts.0: Value error, section '744.15' is not a section of part 734",
        ),
        (
            SOURCES.replace("since: 2026-01-01", "since: soon"),
            "federal_register.since: Input should be a valid date",
        ),
        (SOURCES.replace("type: hr", "type: bill"), "congress.bills.0.type: Input should be 'hr'"),
        (SOURCES + "extra: 1\n", "extra: Extra inputs are not permitted"),
        ("ecfr: [", "not valid YAML"),
        ("- just a list\n", "must be a mapping"),
    ],
)
def test_a_bad_file_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SyncError) as caught:
        load_tracked(path)
    assert str(caught.value).startswith(str(path)) and message in str(caught.value)


def test_a_missing_file_says_where_it_was_looked_for(tmp_path: Path) -> None:
    with pytest.raises(SyncError, match=r"sources\.yaml: not found"):
        load_tracked(tmp_path / "sources.yaml")
