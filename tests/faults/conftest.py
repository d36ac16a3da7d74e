"""The fault suite reuses the Discord emulator fixtures (emulator, settings, a running bot)."""

from tests.discord_app.conftest import emulator, make_settings, run_bot

__all__ = ["emulator", "make_settings", "run_bot"]
