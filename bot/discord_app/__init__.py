"""The Discord front end: the only package that imports discord. `run(settings)` starts the bot."""

from bot.discord_app.client import run, start

__all__ = ["run", "start"]
