"""`Records`: the question log, feedback and the report, over stores opened on first use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.records.store import FILE_NAME
from bot.records_service import Records, ReportCorpus
from bot.service import Basis
from bot.settings import Settings
from tests.fakes import HashEmbedder


def test_nothing_is_opened_until_something_is_kept(settings: Settings) -> None:
    records = Records(settings)
    records.close()  # nothing to send
    assert not (settings.data_dir / FILE_NAME).exists()
    records.feedback()
    assert (settings.data_dir / FILE_NAME).exists()


def test_a_question_is_logged_unless_its_guild_turned_the_log_off(basis: Basis, settings: Settings) -> None:
    records = Records(settings.model_copy(update={"question_log_off_guilds": {7}}))
    answer = basis.answering.answer("What is a deemed export?")
    assert records.record(answer, origin="discord", guild_id=7) is False
    assert records.record(answer, origin="discord", guild_id=8) is True
    logged = records.questions().since(datetime.now(UTC) - timedelta(minutes=1))
    assert [(q.question, q.guild_id) for q in logged] == [("What is a deemed export?", 8)]
    assert records.purge()["questions"] == 1
    assert records.questions().since(datetime.now(UTC) - timedelta(minutes=1)) == []


def test_the_report_reads_the_corpus_it_is_given_and_audits_who_read_it(
    basis: Basis, settings: Settings, embedder: HashEmbedder
) -> None:
    documents = list(basis.answering.index.documents.values())
    asked: list[str] = []

    def english(question: str) -> str:
        asked.append(question)
        return question

    records = Records(settings, lambda: ReportCorpus(embedder, documents, english, {}))
    records.record(basis.answering.answer("Who won the 1998 World Cup?"), origin="cli")
    report = records.report(7, actor="mod#1")
    assert report.questions == 1 and asked == ["Who won the 1998 World Cup?"]
    (line,) = [row for row in records.stores.audit.rows() if row.get("action") == "report"]
    assert (line["target"], line["actor"]) == ("last 7 days", "mod#1")


def test_records_opened_for_the_data_commands_have_no_report(settings: Settings) -> None:
    with pytest.raises(TypeError, match="without an index"):
        Records(settings).report(actor="cli")
