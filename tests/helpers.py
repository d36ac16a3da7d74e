"""Test helpers: front-matter documents, real PDF bytes, and a local HTTP server in a thread."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import yaml

from bot.indexing.chunking import ChunkerConfig
from bot.service import chunker_config
from bot.settings import load_settings

VALID_META: dict[str, Any] = {
    "title": "A test document",
    "source_type": "explainer",
    "citation": "15 CFR 734.13",
    "url": "https://www.ecfr.gov/current/title-15/section-734.13",
    "published": "2024-09-01",
    "as_of": "2026-11-27",
    "topics": ["test"],
    "summary_zh": "测试文件。",
    "sources": [{"title": "Source", "url": "https://example.org/source", "date": "2024-09-01"}],
}


# The ids of the documents in tests/fixtures/knowledge, glossary included.
FIXTURE_IDS = {
    "affiliates-rule-suspension",
    "chip-tracking-bill",
    "deemed-export-explainer",
    "directive-2026",
    "ecfr-part734-excerpt",
    "glossary",
    "smuggling-report",
}


def front_matter_doc(
    doc_id: str, body: str = "## Section\n\nSome body text about exports.\n", **fields: Any
) -> str:
    """A Markdown document with valid front matter; `fields` override or add keys (None removes one)."""
    meta = {"id": doc_id, **VALID_META, **fields}
    meta = {k: v for k, v in meta.items() if v is not None}
    return f"---\n{yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)}---\n{body}"


def default_chunker() -> ChunkerConfig:
    """The chunker the default settings build (no environment, no .env)."""
    return chunker_config(load_settings(_env_file=None))


def make_pdf(lines: list[str], title: str | None = None) -> bytes:
    """A one-page PDF with a real text layer (Helvetica), written byte by byte with a correct xref."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", "/F1 12 Tf", "72 720 Td", "14 TL"] + [f"({escape(line)}) Tj T*" for line in lines] + ["ET"]
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    if title is not None:
        objects.append(b"<< /Title (" + escape(title).encode("latin-1") + b") >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    info = b" /Info %d 0 R" % len(objects) if title is not None else b""
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, info, xref)
    return bytes(out)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0

    @classmethod
    def json(cls, data: Any, status: int = 200, delay: float = 0.0) -> Response:
        return cls(status, json.dumps(data).encode(), {"Content-Type": "application/json"}, delay)


Handler = Callable[[Request], Response]


class LocalServer:
    """A real HTTP server on 127.0.0.1 (a free port) answering with `handler`; records every request."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[Request] = []
        self.released = threading.Event()
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(
                    self.command,
                    self.path,
                    dict(self.headers.items()),
                    self.rfile.read(length) if length else b"",
                )
                outer.requests.append(request)
                response = outer.handler(request)
                if response.delay:
                    outer.released.wait(response.delay)
                try:
                    self.send_response(response.status)
                    for name, value in response.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(response.body)))
                    self.end_headers()
                    self.wfile.write(response.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = _serve

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.released.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@contextmanager
def serve(handler: Handler) -> Iterator[LocalServer]:
    with LocalServer(handler) as server:
        yield server


def run_basis(argv: list[str], monkeypatch: Any) -> int:
    """Run `basis ARGV` through the real entry point (as a shell would) and return its exit code."""
    import sys

    import pytest

    from bot.cli import main

    monkeypatch.setattr(sys, "argv", ["basis", *argv])
    with pytest.raises(SystemExit) as exited:
        main()
    return int(exited.value.code or 0)
