"""What the PostgreSQL connection pool buys and costs: write time, and recovery after an outage.

Starts a throwaway PostgreSQL on 127.0.0.1 (Debian's binaries, as the `services` tests do),
times small INSERTs made through `Postgres.connect` (pooled) against a new connection per
write (what Basis did before), then stops the server for a while, keeps borrowing as the write
spool would, starts it again and times how long until a borrow succeeds.

    python bench/postgres_pool.py            # [--writes 500] [--outage 30]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg
from sqlalchemy import exc as sa_exc

from bot.records.store import CONNECT_TIMEOUT, Store
from tests.services import PostgresServer

INSERT = "INSERT INTO bench_writes VALUES (%s)"


def per_write_ms(write, count: int) -> float:
    started = time.perf_counter()
    for n in range(count):
        write(n)
    return (time.perf_counter() - started) / count * 1000


def recovery_seconds(server: PostgresServer, db: Store, outage: float) -> tuple[int, float]:
    """Failed borrows during `outage` seconds down (one try every 0.5 s), then seconds from the
    server answering again to the first successful borrow."""
    server.kill()
    failed, started = 0, time.monotonic()
    while time.monotonic() - started < outage:
        try:
            with db.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
        except sa_exc.OperationalError:
            failed += 1
        time.sleep(0.5)
    server.start()
    back = time.monotonic()
    while True:
        try:
            with db.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
            return failed, time.monotonic() - back
        except sa_exc.OperationalError:
            time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=500)
    parser.add_argument("--outage", type=float, default=30.0)
    args = parser.parse_args()
    server = PostgresServer()
    server.start()
    db = Store.postgres(server.url)
    try:
        with db.connect() as conn:
            conn.exec_driver_sql("CREATE TABLE bench_writes (n INTEGER)")

        def fresh(n: int) -> None:
            with psycopg.connect(server.url, connect_timeout=CONNECT_TIMEOUT) as conn:
                conn.execute(INSERT, (n,))

        def pooled(n: int) -> None:
            with db.connect() as conn:
                conn.exec_driver_sql(INSERT, (n,))

        print(f"new connection per write  {per_write_ms(fresh, args.writes):.2f} ms ({args.writes} writes)")
        print(f"pooled connection         {per_write_ms(pooled, args.writes):.2f} ms ({args.writes} writes)")
        failed, seconds = recovery_seconds(server, db, args.outage)
        print(
            f"{args.outage:g} s outage            {failed} failed borrows; "
            f"first write {seconds:.2f} s after the server was back"
        )
    finally:
        db.close()
        server.remove()


if __name__ == "__main__":
    main()
