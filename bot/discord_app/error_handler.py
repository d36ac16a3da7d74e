"""The one place errors become replies.

Order: unwrap discord.py's CommandInvokeError; a `BasisError` or a failed check is the user's
to fix, so its message is shown (ephemerally); anything else is our bug, so it is logged with
its traceback and the user gets a short apology.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.discord_app.checks import NotModerator
from bot.discord_app.replies import send_text
from bot.discord_app.strings import asker_lang, text
from bot.errors import BasisError

log = logging.getLogger(__name__)


def user_message(error: BaseException, lang: str = "en") -> str:
    """What the person should read about `error`, in their language where the words are ours;
    logs it when it is not their doing."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, BasisError):
        log.info("refused: %s", error)
        return str(error)
    if isinstance(error, NotModerator):
        return str(error)
    if isinstance(error, app_commands.CheckFailure):
        return text("check_failed", lang)
    log.error("unhandled error", exc_info=error)
    return text("apology", lang)


async def reply_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Tell the user ephemerally, whether or not the interaction was already answered."""
    try:
        await send_text(interaction, user_message(error, asker_lang(interaction)), ephemeral=True)
    except discord.HTTPException:
        log.warning("could not deliver an error reply", exc_info=True)


class BasisTree(app_commands.CommandTree):
    """A command tree whose errors all go through `reply_error`."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await reply_error(interaction, error)
