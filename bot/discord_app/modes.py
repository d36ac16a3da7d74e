"""What Basis listens to in Discord (`BASIS_DISCORD_MODE`), and the intents each mode needs.

Discord reviews privileged intents for apps in 100 or more servers, so a large deployment
should not need one:

- `full`: slash commands, mentions, follow-ups in Basis's own threads and forum posts. Follow-ups
  and forum posts do not mention the bot, so reading them needs the privileged Message Content
  intent.
- `mention`: slash commands and messages that mention Basis. Discord delivers the content of a
  message that mentions the bot without Message Content, so no privileged intent is asked for.
- `slash`: slash commands only; no message events are asked for or handled.
"""

from __future__ import annotations

from typing import Literal

import discord

from bot.errors import ConfigError
from bot.settings import Settings

Mode = Literal["full", "mention", "slash"]

INTENTS: dict[Mode, discord.Intents] = {
    "full": discord.Intents(guilds=True, guild_messages=True, message_content=True),
    "mention": discord.Intents(guilds=True, guild_messages=True),
    "slash": discord.Intents(guilds=True),
}

FORUM_NEEDS_FULL = (
    "BASIS_FORUM_CHANNELS needs BASIS_DISCORD_MODE=full: a forum post does not mention Basis, so "
    "reading it needs the Message Content intent (BASIS_DISCORD_MODE is {mode})."
)


def check_mode(settings: Settings) -> None:
    """Refuse, in one line, settings the mode cannot serve (forum channels outside `full`)."""
    if settings.forum_channels and settings.discord_mode != "full":
        raise ConfigError(FORUM_NEEDS_FULL.format(mode=settings.discord_mode))
