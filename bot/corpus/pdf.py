"""The text layer of a PDF, with a clear reason when there is none to read."""

from __future__ import annotations

import io
import logging

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from bot.errors import DocumentError

logging.getLogger("pypdf").setLevel(logging.ERROR)


def pdf_to_text(data: bytes, name: str) -> tuple[str, str]:
    """Return (title, text); scanned or broken PDFs raise DocumentError."""
    if not data.startswith(b"%PDF"):
        raise DocumentError(f"{name}: file: not a PDF (no %PDF header)")
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata.title if reader.metadata else None) or ""
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentError(f"{name}: file: broken PDF ({exc})") from exc
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text:
        raise DocumentError(f"{name}: body: the PDF has no text layer (scanned image?)")
    return str(title).strip(), text + "\n"
