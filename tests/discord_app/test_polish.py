"""End to end: what users of good bots expect (issue 20 items 4 and 5): Chinese command
localizations, a length limit on `question`, a reason after 👎, Chinese replies for a Chinese
asker, ranked autocomplete and declines without a "read the cited sources" footer."""

from __future__ import annotations

import sqlite3

import discord
import pytest

from bot.discord_app.localization import ZH, chinese
from bot.discord_app.strings import STRINGS
from tests.discord_app.emulator import EPHEMERAL, DiscordEmulator

pytestmark = pytest.mark.e2e

ZH_QUESTION = "什么是视同出口？"


def _custom_ids(message: dict) -> list[str]:
    return [c["custom_id"] for row in message["components"] for c in row["components"]]


async def test_commands_carry_chinese_localizations_and_a_question_length_limit(
    emulator: DiscordEmulator, run_bot
):
    await run_bot()
    commands = {c["name"]: c for c in emulator.commands[None]}
    ask, define = commands["ask"], commands["define"]
    assert ask["name_localizations"]["zh-CN"] == "提问"
    assert ask["description_localizations"]["zh-CN"] == "提一个出口管制问题；回答会注明来源。"
    assert ask["description_localizations"]["zh-TW"] == "提一個出口管制問題；回答會註明來源。"
    question = next(o for o in ask["options"] if o["name"] == "question")
    assert question["name_localizations"]["zh-CN"] == "问题"
    assert question["description_localizations"]["zh-CN"] == "你的问题，中文或英文均可。"
    assert question["max_length"] == 600 and question["min_length"] == 1
    assert define["name_localizations"]["zh-CN"] == "术语"
    assert "en-US" not in ask["description_localizations"]  # English is the default text
    kb = commands["kb"]
    assert kb["description_localizations"]["zh-CN"] == "管理员：管理知识库。"
    assert all(o["description_localizations"].get("zh-CN") for o in kb["options"])


def test_every_localization_is_a_valid_discord_name_or_description():
    for english, zh in ZH.items():
        assert chinese(english, discord.Locale.chinese) == zh
        assert chinese(english, discord.Locale.american_english) is None
        if " " not in english:  # a command or option name: lowercase, no spaces, 1-32 characters
            assert 1 <= len(zh) <= 32 and " " not in zh and zh == zh.lower()
        assert len(zh) <= 100


def test_every_front_end_string_exists_in_chinese():
    for key, (english, zh) in STRINGS.items():
        assert english and zh and english != zh, key
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), key


async def test_a_down_vote_opens_a_short_choice_stored_with_the_vote(emulator: DiscordEmulator, run_bot):
    settings = await run_bot()
    ada = emulator.make_user("ada")
    sent = await emulator.slash("ask", user=ada, question=ZH_QUESTION)
    (followup,) = await emulator.followups(sent)
    *_, down_id = _custom_ids(followup.response)

    voted = await emulator.click(followup.response, down_id, user=ada)
    reply = (await emulator.callback(voted)).body
    assert reply["data"]["flags"] & EPHEMERAL
    assert reply["data"]["content"] == STRINGS["thanks_down"][1]  # the asker's language
    choices = [c for row in reply["data"]["components"] for c in row["components"]]
    assert [c["label"] for c in choices] == ["内容有误", "没有回答问题", "信息过时", "其他"]
    outdated = next(c["custom_id"] for c in choices if c["label"] == "信息过时")

    message = dict(followup.response, components=reply["data"]["components"])
    chosen = await emulator.click(message, outdated, user=ada)
    assert (await emulator.callback(chosen)).body["data"]["content"] == STRINGS["thanks_reason"][1]
    with sqlite3.connect(settings.data_dir / "feedback.sqlite3") as db:
        ((vote, reason),) = db.execute("SELECT vote, reason FROM feedback").fetchall()
    assert (vote, reason) == (-1, "outdated")

    # A reason from someone who did not vote 👎 stores nothing.
    bob = emulator.make_user("bob")
    other = await emulator.click(message, outdated, user=bob)
    assert (await emulator.callback(other)).body["data"]["content"] == STRINGS["no_vote"][1]


async def test_define_miss_and_autocomplete(emulator: DiscordEmulator, run_bot):
    await run_bot()
    ada = emulator.make_user("ada")
    sent = await emulator.slash("define", user=ada, term="比萨饼")
    reply = (await emulator.callback(sent)).body
    assert reply["data"]["content"].startswith("术语表里没有“比萨饼”这个词条。")
    sent = await emulator.slash("define", user=ada, term="pizza")
    assert (
        (await emulator.callback(sent))
        .body["data"]["content"]
        .startswith("The glossary has no entry for “pizza”.")
    )
    for typed in ("", "e", "export"):
        choices = await emulator.autocomplete("define", "term", user=ada, term=typed)
        assert 0 < len(choices) <= 10, typed
    (first, *_) = await emulator.autocomplete("define", "term", user=ada, term="實體清單")  # Traditional
    assert first["value"].casefold() == "entity list"


async def test_a_decline_has_no_cited_sources_footer(emulator: DiscordEmulator, run_bot):
    await run_bot()
    sent = await emulator.slash("ask", user=emulator.make_user("ada"), question="Who won the 1998 World Cup?")
    (followup,) = await emulator.followups(sent)
    (embed,) = followup.body["embeds"]
    assert "will not guess" in embed["description"]
    assert "footer" not in embed or "cited sources" not in embed["footer"].get("text", "")
