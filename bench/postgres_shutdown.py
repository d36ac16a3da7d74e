"""Issue 23 item 5 on the stores alone: writes acknowledged during a PostgreSQL outage, and a
process that stops a second after the server is back.

Starts a throwaway PostgreSQL (Debian's binaries, as the `services` tests do), opens the shared
stores, kills the server, logs `--questions` questions with a remembered answer and a 👍 each,
keeps the server down for `--outage` seconds, starts it again, closes the stores one second
later, then opens them as the next process would (replaying what the first one spilled) and
counts the rows that arrived.

    python bench/postgres_shutdown.py            # [--questions 500] [--outage 45]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pydantic import SecretStr

from bot.records.stores import open_stores
from bot.settings import load_settings
from tests.records.seed import answer
from tests.services import PostgresServer

VOTER = 10**17  # Discord-sized user ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=500)
    parser.add_argument("--outage", type=float, default=45.0)
    args = parser.parse_args()
    server = PostgresServer()
    server.start()
    data = Path(tempfile.mkdtemp(prefix="basis-shutdown-"))
    settings = load_settings(data_dir=data, database_url=SecretStr(server.url), _env_file=None)
    try:
        stores = open_stores(settings)
        log, feedback = stores.questions(), stores.feedback()
        server.kill()
        down = time.monotonic()
        for n in range(args.questions):
            item = answer(f"question {n}", answer_id=f"a{n}")
            log.log(item, origin="discord")
            feedback.remember(item.id, item.question, "en", [])
            assert feedback.vote(item.id, VOTER + n, up=True)  # acknowledged: "thanks"
        time.sleep(max(0.0, args.outage - (time.monotonic() - down)))
        server.start()
        time.sleep(1.0)
        started = time.monotonic()
        stores.close()
        closing = time.monotonic() - started
        after = open_stores(settings)  # the next process: replays what the first one spilled
        since = datetime(2000, 1, 1, tzinfo=UTC)
        rows = len(after.questions().since(since))
        up, _ = after.questions().votes(since)
        after.close()
        print(
            f"{args.questions} questions and votes during a {args.outage:g} s outage; close took "
            f"{closing:.1f} s; the next process sees {rows} question rows ({args.questions - rows} lost) "
            f"and {up} votes ({args.questions - up} lost)"
        )
    finally:
        server.remove()


if __name__ == "__main__":
    main()
