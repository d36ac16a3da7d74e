"""End to end: start-up, /ask, buttons, limits, rate limit, 429s and a dropped gateway."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import sys
import threading
from dataclasses import replace

import discord
import pytest

from bot.answering_service import Answering
from bot.discord_app.client import INTENT_MISSING, TOKEN_MISSING, TOKEN_REJECTED
from bot.discord_app.modes import INTENTS
from bot.errors import ConfigError
from bot.models import Answer
from tests.discord_app.emulator import EPHEMERAL, DiscordEmulator, limit_errors
from tests.timing import PATIENCE

pytestmark = pytest.mark.e2e

FOLLOWUP = "/webhooks/{app_id}/{token}"
DEEMED = "What is a deemed export of technology to a foreign person?"
BASIS_QUESTION = "What legal basis did the government use for the directive?"
LONG_TEXT = " ".join(f"Sentence {n} of a very long answer [{n % 40 + 1}]." for n in range(900))


def embeds_of(call) -> list[dict]:
    return call.body["embeds"]


def custom_ids(message: dict) -> list[str]:
    return [c["custom_id"] for row in message["components"] for c in row["components"]]


async def test_login_sync_and_no_token_in_logs(emulator: DiscordEmulator, run_bot, caplog):
    caplog.set_level(logging.DEBUG)
    await run_bot()
    routes = [c.route for c in emulator.calls[:3]]
    assert routes == ["/users/@me", "/oauth2/applications/@me", "/applications/{app_id}/commands"]
    commands = {c["name"]: c for c in emulator.commands[None]}
    assert set(commands) == {"ask", "define", "kb"}
    assert commands["kb"]["default_member_permissions"] == 1 << 5  # Manage Server
    assert {o["name"] for o in commands["kb"]["options"]} == {
        "add",
        "remove",
        "accept",
        "list",
        "status",
        "reload",
        "sync",
        "report",
    }
    (identify,) = emulator.gateway_ops(2)
    assert identify["d"]["intents"] == INTENTS["full"].value  # the default mode
    assert emulator.token not in caplog.text


async def test_dev_guild_sync(emulator: DiscordEmulator, run_bot):
    await run_bot(dev_guild_id=emulator.guild_id)
    assert None not in emulator.commands
    assert {c["name"] for c in emulator.commands[emulator.guild_id]} == {"ask", "define", "kb"}
    sent = await emulator.slash("ask", user=emulator.make_user("ada"), question=DEEMED)
    (followup,) = await emulator.followups(sent)
    assert "734.13" in embeds_of(followup)[-1]["description"]


async def test_ask_defers_then_answers_with_citation(emulator: DiscordEmulator, run_bot, monkeypatch):
    deferred_first: list[bool] = []
    real_answer = Answering.answer

    def answer(self: Answering, question: str, *, context: str | None = None) -> Answer:
        deferred_first.append(any(c.route.endswith("/callback") for c in emulator.calls))
        return real_answer(self, question, context=context)

    monkeypatch.setattr(Answering, "answer", answer)
    await run_bot()
    sent = await emulator.slash("ask", user=emulator.make_user("ada"), question=DEEMED)
    callback = await emulator.callback(sent)
    assert callback.body["type"] == 5  # deferred, "Basis is thinking…"
    (followup,) = await emulator.followups(sent)
    # Discord's 3 s run from the interaction, not from the answer: the defer was in before answering began
    assert deferred_first == [True]
    answer, sources = embeds_of(followup)
    assert answer["title"] == "Answer" and "[1]" in answer["description"]
    # A definition question leads with the glossary entry, linked to the official text it cites,
    # then the regulation that states it; each pinpoint is a masked link to the citation's URL.
    first, *rest = sources["description"].split("\n\n")
    assert first.startswith("**[1]** [15 CFR 734.13(")
    assert "](<https://www.ecfr.gov/current/title-15/section-734.13>) — Basis glossary" in first
    assert first.endswith("deemed export · glossary")
    assert any("](<https://www.ecfr.gov/" in line and "· regulation" in line for line in rest)
    assert followup.body["allowed_mentions"] == {"parse": []}
    ids = custom_ids(followup.response)
    assert ids[0].startswith("basis:passages:") and ids[1].startswith("basis:vote:up:")


async def test_legal_basis_question_warns_first(emulator: DiscordEmulator, run_bot):
    await run_bot()
    sent = await emulator.slash("ask", user=emulator.make_user("ada"), question=BASIS_QUESTION)
    (followup,) = await emulator.followups(sent)
    warning, answer, *_ = embeds_of(followup)
    assert warning["title"] == "⚠️ Read this first"
    assert "has not published the legal basis" in warning["description"]
    assert warning["color"] != answer["color"]


async def test_private_answer_is_ephemeral(emulator: DiscordEmulator, run_bot):
    await run_bot()
    sent = await emulator.slash("ask", user=emulator.make_user("ada"), question=DEEMED, private=True)
    callback = await emulator.callback(sent)
    assert callback.body["data"]["flags"] & EPHEMERAL
    (followup,) = await emulator.followups(sent)
    assert followup.response["flags"] & EPHEMERAL


async def test_long_answer_is_split_within_limits(emulator: DiscordEmulator, run_bot, monkeypatch):
    real_answer = Answering.answer

    def long_answer(self: Answering, question: str, *, context: str | None = None) -> Answer:
        answer = real_answer(self, question, context=context)
        citations = tuple(replace(answer.citations[0], n=n) for n in range(1, 41))
        return replace(answer, text=LONG_TEXT, citations=citations, suggestions=())

    monkeypatch.setattr(Answering, "answer", long_answer)
    await run_bot()
    sent = await emulator.slash("ask", user=emulator.make_user("ada"), question=DEEMED)
    await emulator.wait_for(
        lambda c: c.route == FOLLOWUP and c.params["token"] == sent.token and "components" in c.body
    )
    attempts = [c for c in emulator.calls if c.route == FOLLOWUP]
    assert len(attempts) > 1 and all(c.status == 200 for c in attempts)
    assert all(not limit_errors(c.body) for c in attempts)
    embeds = [e for call in attempts for e in embeds_of(call)]
    answer_text = " ".join(e["description"] for e in embeds if e["title"].startswith("Answer"))
    assert answer_text.split() == LONG_TEXT.split()  # nothing lost at the splits
    sources = "\n".join(e["description"] for e in embeds if e["title"].startswith("Sources"))
    assert all(f"**[{n}]** [15 CFR 734.13" in sources for n in range(1, 41))
    assert not any("components" in c.body for c in attempts[:-1])  # buttons on the last only


async def test_passages_button_and_feedback(emulator: DiscordEmulator, run_bot):
    settings = await run_bot()
    ada = emulator.make_user("ada")
    sent = await emulator.slash("ask", user=ada, question=DEEMED)
    (followup,) = await emulator.followups(sent)
    passages_id, up_id, _down_id = custom_ids(followup.response)

    shown = await emulator.click(followup.response, passages_id, user=ada)
    reply = (await emulator.callback(shown)).body
    assert reply["type"] == 4 and reply["data"]["flags"] & EPHEMERAL
    assert "> " in reply["data"]["embeds"][0]["description"]

    voted = await emulator.click(followup.response, up_id, user=ada)
    assert "Thanks" in (await emulator.callback(voted)).body["data"]["content"]
    with sqlite3.connect(settings.data_dir / "feedback.sqlite3") as db:
        rows = db.execute("SELECT answer_id, user_hash, vote, question FROM feedback").fetchall()
    ((answer_id, user_hash, vote, question),) = rows
    assert up_id.endswith(answer_id) and vote == 1 and question == DEEMED
    assert ada["id"] not in user_hash and len(user_hash) == 64


async def test_rate_limit_answers_ephemerally(emulator: DiscordEmulator, run_bot):
    await run_bot(rate_limit_count=2)
    ada = emulator.make_user("ada")
    for _ in range(2):
        sent = await emulator.slash("ask", user=ada, question=DEEMED)
        assert (await emulator.callback(sent)).body["type"] == 5
    refused = await emulator.slash("ask", user=ada, question=DEEMED)
    reply = (await emulator.callback(refused)).body
    assert reply["type"] == 4 and reply["data"]["flags"] & EPHEMERAL
    assert "Please wait" in reply["data"]["content"]
    other = await emulator.slash("ask", user=emulator.make_user("bob"), question=DEEMED)
    assert (await emulator.callback(other)).body["type"] == 5


async def test_too_long_question_is_refused(emulator: DiscordEmulator, run_bot):
    await run_bot(max_question_chars=50)
    sent = await emulator.slash("ask", user=emulator.make_user("ada"), question="why " * 30)
    reply = (await emulator.callback(sent)).body
    assert reply["data"]["flags"] & EPHEMERAL and "under 50" in reply["data"]["content"]


async def test_rate_limited_followup_is_retried(emulator: DiscordEmulator, run_bot):
    await run_bot()
    emulator.fail_next("POST", FOLLOWUP, retry_after=0.3)
    sent = await emulator.slash("ask", user=emulator.make_user("ada"), question=DEEMED)
    (followup,) = await emulator.followups(sent)
    attempts = [c for c in emulator.calls if c.route == FOLLOWUP]
    assert [c.status for c in attempts] == [429, 200]
    # No sooner than retry_after: timed from the 429's arrival, before it was answered, so load only adds
    assert followup.at - attempts[0].at >= 0.3


async def test_answer_survives_gateway_drop(emulator: DiscordEmulator, run_bot, monkeypatch):
    gate = threading.Event()
    real_answer = Answering.answer

    def slow_answer(self: Answering, question: str, *, context: str | None = None) -> Answer:
        gate.wait(PATIENCE)
        return real_answer(self, question, context=context)

    monkeypatch.setattr(Answering, "answer", slow_answer)
    await run_bot()
    ada = emulator.make_user("ada")
    first = await emulator.slash("ask", user=ada, question=DEEMED)
    await emulator.callback(first)
    await emulator.drop_gateway()
    second = await emulator.slash("ask", user=ada, question=BASIS_QUESTION)  # while offline
    await emulator.wait_resumed()
    gate.set()
    assert await emulator.followups(first)
    (followup,) = await emulator.followups(second)
    assert embeds_of(followup)[0]["title"] == "⚠️ Read this first"
    assert len(emulator.gateway_ops(2)) == 1  # one IDENTIFY: the session was resumed
    assert emulator.gateway_ops(6)[0]["d"]["session_id"] == emulator.session_id


async def test_unexpected_error_gets_apology(emulator: DiscordEmulator, run_bot, monkeypatch):
    def broken(self: Answering, question: str, *, context: str | None = None) -> Answer:
        raise RuntimeError("boom")

    monkeypatch.setattr(Answering, "answer", broken)
    await run_bot()
    sent = await emulator.slash("ask", user=emulator.make_user("ada"), question=DEEMED)
    (followup,) = await emulator.followups(sent)
    assert followup.body["content"].startswith("Sorry — something went wrong")
    assert "boom" not in followup.body["content"]


async def test_missing_message_content_intent_is_explained(emulator: DiscordEmulator, run_bot):
    emulator.deny_intents = discord.Intents(message_content=True).value
    with pytest.raises(ConfigError) as refused:
        await run_bot()
    assert str(refused.value) == INTENT_MISSING


@pytest.mark.parametrize("token", ["not-the-token", None])
async def test_basis_run_with_bad_token_prints_one_line(
    emulator: DiscordEmulator, tmp_path, token: str | None
):
    env = {
        "PATH": os.environ.get("PATH", ""),
        "BASIS_DISCORD_API_BASE": emulator.api_base,
        "BASIS_DISCORD_GATEWAY_URL": emulator.gateway_url,
        "BASIS_INDEX_DIR": str(tmp_path / "no-index"),
        "COLUMNS": "500",  # rich wraps at the terminal width; one logical line is what counts
    }
    if token:
        env["DISCORD_TOKEN"] = token
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    lines = (stdout + stderr).decode().strip().splitlines()
    expected = TOKEN_REJECTED if token else TOKEN_MISSING
    assert process.returncode == 1
    assert lines == [f"Error: {expected}"]
