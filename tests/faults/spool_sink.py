"""A store in a process of its own for the spool fault test: rows over TCP into a SQLite file.

Run as `python -m tests.faults.spool_sink DB PORT`. Each connection sends one line; the row is
committed before the reply `ok`, so an `ok` means the row survives the process being killed.
Prints `ready` once it listens.
"""

from __future__ import annotations

import socket
import socketserver
import sqlite3
import sys


def write_row(port: int, value: str) -> None:
    """The client side: one row per connection, raising OSError when the sink is not there."""
    with socket.create_connection(("127.0.0.1", port), timeout=2.0) as conn:
        conn.sendall(value.encode() + b"\n")
        reply = conn.makefile("rb").readline()
    if reply != b"ok\n":
        raise ConnectionResetError(f"the sink closed before confirming {value!r}")


def rows(db: str) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [value for (value,) in conn.execute("SELECT value FROM rows ORDER BY id")]


def serve(db: str, port: int) -> None:
    conn = sqlite3.connect(db, check_same_thread=False)
    conn.execute("CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, value TEXT NOT NULL)")
    conn.commit()

    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            value = self.rfile.readline().decode().strip()
            conn.execute("INSERT INTO rows (value) VALUES (?)", (value,))
            conn.commit()
            self.wfile.write(b"ok\n")

    socketserver.TCPServer.allow_reuse_address = True
    with socketserver.TCPServer(("127.0.0.1", port), Handler) as server:
        print("ready", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))
