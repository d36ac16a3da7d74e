"""Bytes of a text file to text: UTF-8 first, then the legacy encoding the bytes are in.

Government `.txt` files still come in Latin-1, Windows-1252 and other legacy
encodings. charset-normalizer detects which one reads the bytes as sensible
text; the caller reports the encoding assumed so a moderator can check it.
"""

from __future__ import annotations

import codecs
import unicodedata

from charset_normalizer import from_bytes

from bot.errors import DocumentError

UTF8 = "utf-8"
WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
SAMPLE = 8192
# US government files in a legacy encoding are nearly always Windows-1252 (a superset of
# Latin-1's printable range); when it reads the bytes to the same text, it is the one named.
PREFERRED = "cp1252"
MAX_JUNK = 0.01
TEXT_CONTROLS = {"\t", "\n", "\r", "\f", "\v"}


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Return (text, encoding assumed); raise DocumentError when the bytes are not text in any encoding."""
    wide = data.startswith(WIDE_BOMS)
    if b"\x00" in data[:SAMPLE] and not wide:
        raise DocumentError(f"{name}: file: binary data, not text")
    text, encoding = (None if wide else _utf8(data)), UTF8
    if text is None:
        results = list(from_bytes(data))
        if not results:
            raise DocumentError(
                f"{name}: file: not readable text (neither UTF-8 nor a legacy encoding such as "
                "Latin-1 reads it)"
            )
        least = min(r.chaos for r in results)
        tied = [r for r in results if r.chaos <= least]
        best = next((r for r in tied if codecs.lookup(r.encoding).name == PREFERRED), tied[0])
        text, encoding = str(best), codecs.lookup(best.encoding).name
    if _junk_share(text) > MAX_JUNK:
        raise DocumentError(f"{name}: file: binary data, not text")
    if encoding not in (UTF8, PREFERRED) and _reads_as(data, PREFERRED) == text:
        encoding = PREFERRED
    return text.removeprefix("\ufeff"), encoding


def _utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _junk_share(text: str) -> float:
    """The share of characters no text file holds: control characters and replacement marks."""
    junk = sum(
        1 for ch in text if ch == "\ufffd" or (unicodedata.category(ch) == "Cc" and ch not in TEXT_CONTROLS)
    )
    return junk / max(1, len(text))


def _reads_as(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None
