"""The daily sync posts its report to the moderator channel; reports are cut and escaped for Discord."""

from __future__ import annotations

from datetime import UTC, time
from types import SimpleNamespace
from typing import Any

from bot.discord_app.replies import NO_MENTIONS
from bot.discord_app.sync_report import LIMIT, DailySync, report_pages
from bot.errors import BuildInProgressError
from bot.settings import Settings
from bot.sync.report import SourceReport, SyncReport


class _Channel:
    def __init__(self) -> None:
        self.sent: list[tuple[str, Any]] = []

    async def send(self, content: str, *, allowed_mentions: Any) -> None:
        self.sent.append((content, allowed_mentions))


def _bot(sync: Any, channel: _Channel) -> Any:
    settings = Settings(_env_file=None, sync_daily=True, sync_hour_utc=4, sync_channel_id=55)  # type: ignore[call-arg]
    return SimpleNamespace(
        settings=settings,
        kb=SimpleNamespace(sync=sync),
        get_channel=lambda cid: channel if cid == 55 else None,
    )


async def test_the_daily_sync_posts_its_report_without_mentions() -> None:
    channel = _Channel()
    actors: list[str] = []

    def sync(*, actor: str) -> SyncReport:
        actors.append(actor)
        return SyncReport(
            [SourceReport("eCFR", new=["15 CFR 734.13"]), SourceReport("Congress.gov", failed="HTTP 429")]
        )

    cog = DailySync(_bot(sync, channel))
    assert cog.task.time == [time(4, tzinfo=UTC)]
    await cog.run_once()
    assert actors == ["daily sync"]
    ((content, mentions),) = channel.sent
    assert content.startswith("Daily sync:\neCFR: 1 new, 0 changed")
    assert "Congress.gov: failed: HTTP 429 (nothing of it changed)" in content
    assert mentions is NO_MENTIONS


async def test_a_sync_that_cannot_run_is_reported_too() -> None:
    channel = _Channel()

    def busy(*, actor: str) -> SyncReport:
        raise BuildInProgressError("Another knowledge-base change is running; try again in a minute.")

    await DailySync(_bot(busy, channel)).run_once()
    assert (
        channel.sent[0][0]
        == "Daily sync did not run: Another knowledge-base change is running; try again in a minute."
    )


def test_long_reports_are_cut_at_line_ends_and_markdown_is_escaped() -> None:
    text = "\n".join(f"  changed: 15 CFR 734.{n} (*bold* _x_)" for n in range(200))
    pages = report_pages(text)
    assert len(pages) > 1 and all(len(p) <= LIMIT for p in pages)
    assert sum(len(p.splitlines()) for p in pages) == 200
    assert "\\*bold\\*" in pages[0] and "*bold*" not in pages[0].replace("\\*", "")
