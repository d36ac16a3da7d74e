"""The emulator speaks enough Discord for a plain discord.py `commands.Bot`; proven here first."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator

import aiohttp
import discord
import pytest
import pytest_asyncio
import yarl
from discord import app_commands
from discord.ext import commands

from tests.discord_app.emulator import DiscordEmulator, Upload

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio]

FOLLOWUP = "/webhooks/{app_id}/{token}"


class PlainBot(commands.Bot):
    """A minimal bot: one slash command that defers, one with an attachment, and threads."""

    def __init__(self, release: asyncio.Event) -> None:
        intents = discord.Intents(guilds=True, guild_messages=True, message_content=True)
        super().__init__(command_prefix="!", intents=intents, help_command=None)
        self.release = release

    async def setup_hook(self) -> None:
        @app_commands.command(description="Echo after a pause")
        async def echo(interaction: discord.Interaction, text: str) -> None:
            await interaction.response.defer(thinking=True)
            await self.release.wait()
            await interaction.followup.send(f"echo: {text}", wait=True)

        @app_commands.command(description="Read a file")
        async def size(interaction: discord.Interaction, file: discord.Attachment) -> None:
            data = await file.read()
            await interaction.response.send_message(f"{file.filename}: {len(data)} bytes")

        @echo.autocomplete("text")
        async def echo_complete(interaction: discord.Interaction, current: str):
            return [app_commands.Choice(name=w, value=w) for w in ("alpha", "beta") if current in w]

        @app_commands.command(description="Edit the original response, then attach a file")
        async def report(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.edit_original_response(content="working")
            await interaction.followup.send(file=discord.File(io.BytesIO(b"done"), "report.txt"))

        self.tree.add_command(echo)
        self.tree.add_command(size)
        self.tree.add_command(report)
        await self.tree.sync()

    async def on_message(self, message: discord.Message) -> None:
        if self.user in message.mentions:
            thread = await message.create_thread(name="question")
            await thread.send("in thread", allowed_mentions=discord.AllowedMentions.none())


@pytest_asyncio.fixture
async def plain_bot(emulator: DiscordEmulator) -> AsyncIterator[PlainBot]:
    old_base, old_gateway = (
        discord.http.Route.BASE,
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
    )
    discord.http.Route.BASE = emulator.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(emulator.gateway_url)
    bot = PlainBot(asyncio.Event())
    task = asyncio.create_task(bot.start(emulator.token))
    try:
        await emulator.wait_connected()
        yield bot
    finally:
        await bot.close()
        await task
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


async def test_login_sync_and_deferred_followup(emulator: DiscordEmulator, plain_bot: PlainBot):
    routes = [c.route for c in emulator.calls]
    assert routes[:3] == [
        "/users/@me",
        "/oauth2/applications/@me",
        "/applications/{app_id}/commands",
    ]
    assert {c["name"] for c in emulator.commands[None]} == {"echo", "size", "report"}

    user = emulator.make_user("ada")
    sent = await emulator.slash("echo", user=user, text="hi")
    callback = await emulator.callback(sent)
    assert callback.body["type"] == 5
    plain_bot.release.set()
    (followup,) = await emulator.followups(sent)
    assert followup.body["content"] == "echo: hi"
    assert followup.response["id"] == callback.response["interaction"]["response_message_id"]


async def test_autocomplete_and_attachment(emulator: DiscordEmulator, plain_bot: PlainBot):
    user = emulator.make_user("ada")
    choices = await emulator.autocomplete("echo", "text", user=user, text="al")
    assert choices == [{"name": "alpha", "value": "alpha"}]

    sent = await emulator.slash("size", user=user, file=Upload("notes.md", b"x" * 42))
    callback = await emulator.callback(sent)
    assert callback.body["data"]["content"] == "notes.md: 42 bytes"


async def test_edit_original_and_file_followup(emulator: DiscordEmulator, plain_bot: PlainBot):
    sent = await emulator.slash("report", user=emulator.make_user("ada"))
    deferred = await emulator.callback(sent)
    (followup,) = await emulator.followups(sent)
    original = emulator.messages[int(deferred.response["interaction"]["response_message_id"])]
    assert original["content"] == "working"
    assert followup.files == {"files[0]": ("report.txt", b"done")}
    assert followup.response["id"] != original["id"]  # the original was no longer "thinking"


async def test_replies_count_messages_and_a_second_callback_is_refused(
    emulator: DiscordEmulator, plain_bot: PlainBot
):
    user = emulator.make_user("ada")
    sized = await emulator.slash("size", user=user, file=Upload("notes.md", b"x"))
    await emulator.callback(sized)
    assert [c.body["type"] for c in emulator.replies(sized)] == [4]

    echoed = await emulator.slash("echo", user=user, text="once")
    await emulator.callback(echoed)
    assert emulator.replies(echoed) == []  # deferred: no message yet
    plain_bot.release.set()
    (followup,) = await emulator.followups(echoed)
    assert emulator.replies(echoed) == [followup]

    url = f"{emulator.api_base}/interactions/{echoed.id}/{echoed.token}/callback"
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, json={"type": 4, "data": {"content": "again"}}) as r,
    ):
        assert r.status == 400 and (await r.json())["code"] == 40060
    assert emulator.replies(echoed) == [followup]


async def test_rate_limited_followup_is_retried(emulator: DiscordEmulator, plain_bot: PlainBot):
    emulator.fail_next("POST", FOLLOWUP, times=1, retry_after=0.1)
    sent = await emulator.slash("echo", user=emulator.make_user("ada"), text="again")
    plain_bot.release.set()
    (followup,) = await emulator.followups(sent)
    attempts = [c for c in emulator.calls if c.route == FOLLOWUP]
    assert [c.status for c in attempts] == [429, 200]
    assert followup.at - attempts[0].at >= 0.1


async def test_dropped_gateway_resumes_and_replays(emulator: DiscordEmulator, plain_bot: PlainBot):
    user = emulator.make_user("ada")
    first = await emulator.slash("echo", user=user, text="one")
    await emulator.callback(first)
    await emulator.drop_gateway()
    second = await emulator.slash("echo", user=user, text="two")  # sent while disconnected
    await emulator.wait_resumed()
    plain_bot.release.set()
    await emulator.followups(first)
    (followup,) = await emulator.followups(second)
    assert followup.body["content"] == "echo: two"
    (resume,) = emulator.gateway_ops(6)
    assert resume["d"]["session_id"] == emulator.session_id
    assert len(emulator.gateway_ops(2)) == 1  # resumed, never identified again


async def test_mention_creates_thread(emulator: DiscordEmulator, plain_bot: PlainBot):
    message = await emulator.user_message("what?", user=emulator.make_user("ada"), mention=True)
    (reply,) = await emulator.channel_messages(int(message["id"]))
    assert reply["content"] == "in thread"
    assert reply["allowed_mentions"]["parse"] == []


async def test_bad_token_is_refused(emulator: DiscordEmulator):
    bot = PlainBot(asyncio.Event())
    old_base = discord.http.Route.BASE
    discord.http.Route.BASE = emulator.api_base
    try:
        with pytest.raises(discord.LoginFailure):
            await bot.login("wrong")
    finally:
        await bot.close()
        discord.http.Route.BASE = old_base
