"""The bot as its cogs see it, so that no cog imports the client.

`client.BasisBot` loads every cog module as a discord.py extension, by name
(`load_extension` calls the module's `setup(bot)`), and each cog types its bot as
`BasisHost`. So imports run client → host ← cogs and never round in a circle, and a
new cog is one module with a `setup` and one name in the client's list.
"""

from __future__ import annotations

from discord.ext import commands

from bot.answering_service import Answering
from bot.discord_app.error_handler import ErrorCounts
from bot.discord_app.feedback import FeedbackStore
from bot.discord_app.rate_limit import RateLimiter
from bot.knowledge_base import KnowledgeBase
from bot.records_service import Records
from bot.settings import Settings


class BasisHost(commands.AutoShardedBot):
    """discord.py's bot and what Basis's cogs use of it; `client.BasisBot` sets each one up."""

    settings: Settings
    # the three services (`bot.service.Basis`), set in setup_hook before any extension is loaded;
    # each cog uses the ones it needs
    answering: Answering
    kb: KnowledgeBase
    records: Records
    feedback: FeedbackStore
    limiter: RateLimiter
    errors: ErrorCounts
