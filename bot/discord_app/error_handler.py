"""The one place errors become replies, and where they are counted.

Order: unwrap discord.py's CommandInvokeError; a `BasisError` or a failed check is the user's
to fix, so its message is shown (ephemerally); anything else is our bug, so it is logged with
its traceback and the user gets a short apology. Each is counted by kind (`ErrorCounts`), so a
moderator's `/kb status` shows whether the bot is refusing people or failing them.
"""

from __future__ import annotations

import logging
from collections import Counter

import discord
from discord import app_commands

from bot.discord_app.checks import NotModerator, OutsideAnswerChannels
from bot.discord_app.replies import send_text
from bot.discord_app.strings import asker_lang, text
from bot.errors import BasisError

log = logging.getLogger(__name__)


class ErrorCounts:
    """How many errors of each kind the bot has replied to since it started (for `/kb status`).

    Only the event loop touches it, so it needs no lock.
    """

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()

    def add(self, error: BaseException) -> None:
        self._counts[error_kind(error)] += 1

    def lines(self) -> list[str]:
        """`kind: count`, most frequent first."""
        return [f"{kind}: {count}" for kind, count in self._counts.most_common()]


def error_kind(error: BaseException) -> str:
    """`refused (QuestionError)`, `not a moderator`, `outside the answer channels`, `check failed`
    or `unexpected (KeyError)`."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, BasisError):
        return f"refused ({type(error).__name__})"
    if isinstance(error, NotModerator):
        return "not a moderator"
    if isinstance(error, OutsideAnswerChannels):
        return "outside the answer channels"
    if isinstance(error, app_commands.CheckFailure):
        return "check failed"
    return f"unexpected ({type(error).__name__})"


def user_message(error: BaseException, counts: ErrorCounts | None = None, lang: str = "en") -> str:
    """What the person should read about `error`, in their language (`lang`) where the words are
    ours; logs it when it is not their doing, and counts it in `counts` (the bot's) when given."""
    if counts is not None:
        counts.add(error)
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, BasisError):
        log.info("refused: %s", error)
        return str(error)
    if isinstance(error, NotModerator):
        return str(error)
    if isinstance(error, OutsideAnswerChannels):
        return error.message(lang)
    if isinstance(error, app_commands.CheckFailure):
        return text("check_failed", lang)
    log.error("unhandled error", exc_info=error)
    return text("apology", lang)


async def reply_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Tell the user ephemerally, whether or not the interaction was already answered."""
    counts = getattr(interaction.client, "errors", None)  # a BasisBot's; absent on a bare client
    try:
        await send_text(interaction, user_message(error, counts, asker_lang(interaction)), ephemeral=True)
    except discord.HTTPException:
        log.warning("could not deliver an error reply", exc_info=True)


class BasisTree(app_commands.CommandTree):
    """A command tree whose errors all go through `reply_error`."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await reply_error(interaction, error)
