"""`basis run` stopped with SIGTERM (`docker stop`, systemd) closes the bot as Ctrl-C does, so the
service's close runs and the writes queued for PostgreSQL are sent or spilled, not dropped."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOT = """
import asyncio, os, signal
from bot.discord_app import client
from bot.settings import load_settings

async def start(settings):
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.sleep(60)
    finally:
        print("closed", flush=True)  # where `async with BasisBot` calls Basis.close

client.start = start
raise SystemExit(client.run(load_settings(_env_file=None)))
"""


def test_sigterm_closes_the_bot_as_ctrl_c_does() -> None:
    """In a subprocess (without the handler SIGTERM would end pytest too); importing the Discord
    front end there takes most of its time, over 20 s when every core is busy."""
    stopped = subprocess.run(
        [sys.executable, "-c", BOT], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert (stopped.returncode, stopped.stdout) == (0, "closed\n"), stopped.stderr
