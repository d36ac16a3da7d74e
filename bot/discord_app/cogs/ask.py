"""Questions: `/ask`, `@Basis <question>` (answered in a new thread) and follow-ups in that thread.

The interaction is deferred at once; the answer is computed in a worker thread, so the event
loop keeps serving other users (and a running /kb rebuild) meanwhile. Recording is optional and
never decides whether an answer is delivered: a failed write (full disk, a locked database) of
the passages behind the buttons or of the question log is one logged warning, and the question
is logged only after the answer was sent.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.answering.labels import source_label
from bot.discord_app.checks import answer_channels, answer_channels_only, answers_in
from bot.discord_app.error_handler import user_message
from bot.discord_app.host import BasisHost
from bot.discord_app.render import answer_embeds, paginate, passage_records
from bot.discord_app.replies import NO_MENTIONS, send_pages, send_text
from bot.discord_app.strings import asker_lang
from bot.discord_app.views import answer_view
from bot.errors import QuestionError
from bot.models import Answer

log = logging.getLogger(__name__)

THREAD_NAME_CHARS = 90
# Discord's own limit on the `question` option (the default BASIS_MAX_QUESTION_CHARS); the
# service still checks the configured setting, which may be lower.
MAX_QUESTION_CHARS = 600


class AskCog(commands.Cog):
    def __init__(self, bot: BasisHost) -> None:
        self.bot = bot

    @app_commands.command(
        name=locale_str("ask"),
        description=locale_str("Ask an export-control question; the answer cites its sources."),
    )
    @answer_channels_only
    @app_commands.describe(
        question=locale_str("Your question, in English or Chinese."),
        private=locale_str("Show the answer only to you (default: the whole channel sees it)."),
    )
    @app_commands.rename(question=locale_str("question"), private=locale_str("private"))
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, MAX_QUESTION_CHARS],
        private: bool = False,
    ) -> None:
        """Ask an export-control question; the answer cites its sources."""
        refusal = await self.refusal(interaction.user.id, question, asker_lang(interaction, question))
        if refusal:
            await send_text(interaction, refusal, ephemeral=True)
            return
        await interaction.response.defer(thinking=True, ephemeral=private)
        answer = await asyncio.to_thread(self.bot.answering.answer, question)
        pages, view = await self.present(answer)
        await send_pages(interaction, pages, ephemeral=private, view=view)
        await self.log_question(answer, interaction.guild_id)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Answer `@Basis …` in a new thread; in mode `full` also any message in a thread Basis
        started and each new post in a BASIS_FORUM_CHANNELS forum (none of which mention it)."""
        me = self.bot.user
        settings = self.bot.settings
        if message.author.bot or message.guild is None or me is None or settings.discord_mode == "slash":
            return
        channel = message.channel
        if not answers_in(answer_channels(settings), channel):
            return
        full = settings.discord_mode == "full"
        own_thread = full and isinstance(channel, discord.Thread) and channel.owner_id == me.id
        forum_post = full and is_forum_post(message, settings.forum_channels)
        if not (own_thread or forum_post or any(user.id == me.id for user in message.mentions)):
            return
        text = f"{channel.name}\n{message.content}" if forum_post else message.content
        question = strip_mention(text, me.id)
        refusal = await self.refusal(message.author.id, question, asker_lang(None, question))
        if refusal:
            await message.reply(refusal, allowed_mentions=NO_MENTIONS)
            return
        try:
            target, context = await answer_place(message, question, me.id)
            async with target.typing():
                answer = await asyncio.to_thread(self.bot.answering.answer, question, context=context)
            pages, view = await self.present(answer)
            for i, embeds in enumerate(pages):
                extra = {"view": view} if i == len(pages) - 1 else {}
                await target.send(embeds=embeds, allowed_mentions=NO_MENTIONS, **extra)
        except Exception as exc:  # the asker always hears back
            lang = asker_lang(None, question)
            await message.channel.send(user_message(exc, self.bot.errors, lang), allowed_mentions=NO_MENTIONS)
            return
        await self.log_question(answer, message.guild.id)

    async def refusal(self, user_id: int, question: str, lang: str = "en") -> str | None:
        """Why a question is refused before any work (too long, or over the rate limit), in the
        asker's language."""
        try:
            self.bot.answering.check_question(question)
        except QuestionError as exc:
            return str(exc)
        return await self.bot.limiter.refusal(user_id, lang)

    async def present(self, answer: Answer) -> tuple[list[list[discord.Embed]], discord.ui.View]:
        """The messages an answer needs and its buttons; its passages are remembered for them
        first (if that fails, the answer still goes out and only the buttons come up empty)."""
        passages = passage_records(answer, source_label)
        await _optional(
            "remembering the answer's passages",
            self.bot.feedback.remember,
            answer.id,
            answer.question,
            answer.lang,
            passages,
        )
        view = answer_view(answer.id, answer.lang, has_passages=bool(passages))
        return paginate(answer_embeds(answer, source_label)), view

    async def log_question(self, answer: Answer, guild_id: int | None) -> None:
        """After the answer was sent: the question log (unless that is turned off)."""
        await _optional(
            "logging the question", self.bot.records.record, answer, origin="discord", guild_id=guild_id
        )


async def _optional(what: str, write: Callable[..., object], *args: object, **kwargs: object) -> None:
    """Run a blocking record write in a worker thread; a failure is one warning, never the asker's."""
    try:
        await asyncio.to_thread(write, *args, **kwargs)
    except Exception as exc:
        log.warning("%s failed (%s: %s); the answer was delivered", what, type(exc).__name__, exc)


async def answer_place(
    message: discord.Message, question: str, bot_id: int
) -> tuple[discord.abc.Messageable, str | None]:
    """Where to answer and with what context: in place inside a thread (its first question as
    context), else in a new thread from the message, or in place where threads are not allowed."""
    channel = message.channel
    if isinstance(channel, discord.Thread):
        opens_it = message.id == channel.id  # a forum post's first message: no earlier question
        return channel, None if opens_it else await thread_question(channel, bot_id)
    try:
        return await message.create_thread(name=question[:THREAD_NAME_CHARS]), None
    except discord.HTTPException as exc:
        log.warning("cannot start a thread in channel %s (%s); answering in place", channel.id, exc)
        return channel, None


def is_forum_post(message: discord.Message, forum_ids: list[int]) -> bool:
    """Whether `message` opens a post in one of the forums `forum_ids` (a post's first message
    shares its thread's id)."""
    channel = message.channel
    return isinstance(channel, discord.Thread) and channel.parent_id in forum_ids and message.id == channel.id


def strip_mention(content: str, user_id: int) -> str:
    return " ".join(re.sub(rf"<@!?{user_id}>", " ", content).split())


async def thread_question(thread: discord.Thread, bot_id: int) -> str | None:
    """The question that started `thread` (its starter message), as retrieval context."""
    starter = thread.starter_message
    if starter is None and isinstance(thread.parent, discord.TextChannel):
        try:
            starter = await thread.parent.fetch_message(thread.id)
        except discord.HTTPException:
            log.info("no starter message for thread %s", thread.id)
            return None
    return strip_mention(starter.content, bot_id) if starter else None


async def setup(bot: BasisHost) -> None:
    """Loaded by `BasisBot.setup_hook` as a discord.py extension."""
    await bot.add_cog(AskCog(bot))
