"""The service's clock decides how an answer, /define and the renderers word statuses and dates."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.answering.labels import source_label
from bot.cli import app
from bot.clock import fixed
from bot.discord_app.render import answer_embeds, citation_block, definition_embeds
from bot.service import Basis

QUESTION = "Does the affiliates rule fifty percent ownership test still apply?"
GLOSSARY_ENTRY = """- term: affiliates rule
  aliases: [50 percent rule]
  zh: [关联方规则]
  definition: "A rule extending Entity List restrictions to affiliates owned 50 percent or more."
  citation: "90 FR 47201; 15 CFR 744.11"
  related: []
  status_timeline:
    subject: "The affiliates rule"
    as_of: 2026-11-27
    periods:
      - {status: suspended, from: 2025-11-10, until: 2026-11-09, source: "90 FR 50857"}
      - {status: in_force, from: 2026-11-10, scheduled: true, source: "90 FR 50857"}
"""


def _status(basis: Basis, day: date) -> str:
    basis.answering.clock = fixed(day)
    answer = basis.answering.answer(QUESTION)
    assert "affiliates-rule-suspension" in {c.passage.document.id for c in answer.citations}
    # A question about the present leads with the status, which no warning then repeats.
    status = answer.text.split(" [1]")[0]
    assert status not in {w.message for w in answer.warnings}
    return status


def test_the_service_clock_decides_the_tense(basis: Basis) -> None:
    assert _status(basis, date(2026, 11, 9)).startswith(
        "Status recorded in “The affiliates rule and its suspension”: suspended since 2025-11-10, "
        "set to end 2026-11-09"
    )
    after = _status(basis, date(2026, 11, 10))
    assert after.startswith(
        "Status recorded in “The affiliates rule and its suspension”: suspended from 2025-11-10 "
        "until 2026-11-09"
    )
    assert "is suspended" not in after and "has been suspended" not in after
    assert "records no extension — check the Federal Register (federalregister.gov)" in after


def test_a_present_tense_answer_is_dated_and_stale_past_the_setting(basis: Basis) -> None:
    basis.answering.clock = fixed(date(2026, 12, 27))  # the fixture rule's as-of date is 2026-11-27: 30 days
    codes = [w.code for w in basis.answering.answer(QUESTION).warnings]
    assert "as_of" in codes and "stale" not in codes
    basis.answering.clock = fixed(date(2026, 12, 28))
    warnings = {w.code: w.message for w in basis.answering.answer(QUESTION).warnings}
    assert warnings["stale"].startswith("That is 31 days ago: check")


def test_define_states_the_entry_status_on_the_clock_day(basis: Basis, settings) -> None:
    path = Path(settings.knowledge_dir) / "glossary.yaml"
    path.write_text(path.read_text("utf-8") + GLOSSARY_ENTRY, "utf-8")
    basis.kb.reload(actor="test")
    basis.answering.clock = fixed(date(2026, 11, 9))
    before = basis.answering.define("50 percent rule")
    basis.answering.clock = fixed(date(2026, 12, 1))
    after = basis.answering.define("affiliates rule")
    assert before.status[0].startswith("The affiliates rule has been suspended since 2025-11-10")
    assert after.status[0].startswith("The affiliates rule was suspended from 2025-11-10 until 2026-11-09")
    assert after.status[1].startswith("The affiliates rule曾于 2025-11-10 至 2026-11-09 暂停实施")
    text = definition_embeds(after.entry, after.status)[0].description
    assert after.status[0] in text and after.status[1] in text
    assert basis.answering.define("deemed export").status == ()


def test_renderers_show_each_citation_date(basis: Basis) -> None:
    basis.answering.clock = fixed(date(2026, 12, 1))
    answer = basis.answering.answer(
        "What would the bill on location tracking of advanced processors require?"
    )
    bill = next(c for c in answer.citations if c.passage.document.id == "chip-tracking-bill")
    assert bill.as_of == date(2026, 11, 27)
    block = citation_block(bill, source_label, "en")
    assert "2025-05-15 · as of 2026-11-27" in block
    assert "截至 2026-11-27" in citation_block(bill, source_label, "zh")
    assert any("as of 2026-11-27" in (e.description or "") for e in answer_embeds(answer, source_label))


def test_cli_json_carries_the_citation_date_and_define_its_status(
    fake_model: object, knowledge_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    index = str(tmp_path / "cli-index")
    built = runner.invoke(app, ["index", "build", "--knowledge", str(knowledge_dir), "--index", index])
    assert built.exit_code == 0, built.output
    monkeypatch.setenv("BASIS_KNOWLEDGE_DIR", str(knowledge_dir))
    monkeypatch.setenv("BASIS_ABSTAIN_THRESHOLD", "0.2")
    question = "What would the bill on location tracking of advanced processors require?"
    result = runner.invoke(app, ["ask", "--json", "--index", index, question])
    assert result.exit_code == 0, result.output
    citations = json.loads(result.output)["citations"]
    assert {c["doc_id"]: c["as_of"] for c in citations}["chip-tracking-bill"] == "2026-11-27"
    path = knowledge_dir / "glossary.yaml"
    path.write_text(path.read_text("utf-8") + GLOSSARY_ENTRY, "utf-8")
    shown = runner.invoke(app, ["define", "--json", "--knowledge", str(knowledge_dir), "affiliates rule"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.output)
    assert len(data["status"]) == 2  # English and Chinese, worded against the machine's date
    assert data["entry"]["timeline"]["periods"][0]["start"] == "2025-11-10"
