"""End to end: /kb sync by a moderator posts the report; anyone else is refused before any fetch."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from tests.discord_app.emulator import EPHEMERAL, DiscordEmulator
from tests.sync.fixtures import SOURCES, stub
from tests.sync.stub import KEY, ApiStub

pytestmark = pytest.mark.e2e
__all__ = ["stub"]  # the API stub fixture


def _sync_settings(stub: ApiStub) -> dict[str, object]:
    return {
        "ecfr_api_base": stub.base,
        "federal_register_api_base": stub.base,
        "congress_api_base": stub.base,
        "congress_api_key": SecretStr(KEY),
    }


async def test_moderator_sync_posts_the_report(emulator: DiscordEmulator, run_bot, stub: ApiStub):
    settings = await run_bot(**_sync_settings(stub))
    (settings.knowledge_dir / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    mod = emulator.make_user("mod")
    sent = await emulator.slash("kb sync", user=mod, roles=(emulator.moderator_role_id,))
    callback = await emulator.callback(sent)
    assert callback.body["type"] == 5 and callback.body["data"]["flags"] & EPHEMERAL
    (report,) = await emulator.followups(sent)
    text = report.body["content"]
    assert text.startswith("eCFR: 3 new, 0 changed")
    assert "Congress.gov: 1 new" in text and "Index: Documents: 7 added" in text
    assert report.response["flags"] & EPHEMERAL
    audit = (settings.data_dir / "audit.jsonl").read_text()
    assert f"mod (discord:{mod['id']})" in audit and '"action": "sync"' in audit


async def test_non_moderator_cannot_sync(emulator: DiscordEmulator, run_bot, stub: ApiStub):
    settings = await run_bot(**_sync_settings(stub))
    (settings.knowledge_dir / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    sent = await emulator.slash("kb sync", user=emulator.make_user("eve"))
    reply = (await emulator.callback(sent)).body
    assert reply["type"] == 4 and reply["data"]["flags"] & EPHEMERAL
    assert reply["data"]["content"].startswith("Only moderators can change the knowledge base")
    assert stub.requests == []
    assert not (settings.knowledge_dir / "synced").exists()
