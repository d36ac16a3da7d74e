"""Screenshots of answers as a Discord user sees them, for docs/answers.md.

The real bot answers `/ask` through the local Discord emulator (from the built index in
BASIS_INDEX_DIR); the embeds it sent are drawn as Discord draws them (dark theme, colour bar,
bold, masked links, block quotes, footer) into an HTML page, and headless Chromium (Playwright)
screenshots each answer into docs/img/.

    BASIS_INDEX_DIR=$PWD/index python -m bench.answer_screenshots
"""

from __future__ import annotations

import asyncio
import html
import re
import shutil
import sys
from pathlib import Path
from typing import Any

from bench.emulated_bot import running_bot

QUESTIONS = {
    "answer-en.png": "What's a deemed export, in plain terms?",
    "answer-zh.png": "什么是视同出口？",
}
OUT = Path("docs/img")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
STYLE = """
body { background: #313338; color: #dbdee1; font: 15px/1.375 "Noto Sans", "Noto Sans CJK SC",
  "gg sans", sans-serif; margin: 0; padding: 16px 16px 16px 72px; width: 620px; }
.head { margin-left: -56px; display: flex; gap: 16px; align-items: center; }
.avatar { width: 40px; height: 40px; border-radius: 50%; background: #5865f2; color: white;
  display: flex; align-items: center; justify-content: center; font-weight: 700; }
.name { color: #f2f3f5; font-weight: 600; } .tag { background: #5865f2; color: white; font-size: 10px;
  border-radius: 3px; padding: 1px 4px; margin-left: 4px; } .time { color: #949ba4; font-size: 12px; }
.embed { background: #2b2d31; border-left: 4px solid; border-radius: 4px; margin: 8px 0;
  padding: 8px 16px 12px 12px; max-width: 520px; }
.title { color: #f2f3f5; font-weight: 600; margin: 4px 0 6px; }
.desc { white-space: pre-wrap; font-size: 14px; }
.desc a { color: #00a8fc; text-decoration: none; }
.quote { border-left: 4px solid #4e5058; padding-left: 10px; display: block; }
.subtext { color: #949ba4; font-size: 12px; line-height: 1.3; display: block; }
.footer { color: #b5bac1; font-size: 12px; margin-top: 8px; }
.buttons { display: flex; gap: 8px; margin-top: 4px; }
.button { background: #4e5058; color: white; border-radius: 3px; padding: 2px 16px; font-size: 14px;
  height: 32px; display: flex; align-items: center; }
"""


def markdown(text: str) -> str:
    """The subset of Discord Markdown an answer uses: escapes, bold, masked links, quotes, subtext."""
    escaped: list[str] = []

    def hold(match: re.Match[str]) -> str:
        escaped.append(match.group(1))
        return f"\x00{len(escaped) - 1}\x00"

    text = re.sub(r"\\([\\*_~`|>#\[\]()-])", hold, text)
    out = html.escape(text)
    out = re.sub(r"\[([^\]\n]+)\]\(&lt;(https?://[^&\s]+)&gt;\)", r'<a href="\2">\1</a>', out)
    out = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", out, flags=re.S)
    out = re.sub(r"(?m)^&gt; (.*)$", r'<span class="quote">\1</span>', out)
    out = re.sub(r"(?m)^-# (.*)$\n?", r'<span class="subtext">\1</span>', out)  # a block: no extra line
    out = out.replace("\u200b", "")
    return re.sub(r"\x00(\d+)\x00", lambda m: html.escape(escaped[int(m.group(1))]), out)


def page(question: str, embeds: list[dict[str, Any]], components: list[dict[str, Any]]) -> str:
    """One bot message with its embeds and buttons, as Discord's dark theme shows it."""
    parts = [
        f'<div class="head"><div class="avatar">B</div><div><span class="name">Basis</span>'
        f'<span class="tag">APP</span> <span class="time">used /ask: {html.escape(question)}</span>'
        "</div></div>"
    ]
    for embed in embeds:
        colour = f"#{embed.get('color', 0):06x}"
        footer = embed.get("footer", {}).get("text", "")
        parts.append(
            f'<div class="embed" style="border-color:{colour}">'
            f'<div class="title">{markdown(embed.get("title", ""))}</div>'
            f'<div class="desc">{markdown(embed.get("description", ""))}</div>'
            + (f'<div class="footer">{html.escape(footer)}</div>' if footer else "")
            + "</div>"
        )
    buttons = [c for row in components for c in row["components"]]
    labels = [f"{b.get('emoji', {}).get('name', '')} {b.get('label', '')}".strip() for b in buttons]
    parts.append(
        '<div class="buttons">'
        + "".join(f'<div class="button">{html.escape(x)}</div>' for x in labels)
        + "</div>"
    )
    return f"<!doctype html><meta charset=utf-8><style>{STYLE}</style><body>{''.join(parts)}</body>"


async def answers() -> dict[str, str]:
    """The page of each question's answer, as the bot sent it to the emulator."""
    pages: dict[str, str] = {}
    async with running_bot() as (emulator, _settings):
        user = emulator.make_user("reader")
        for name, question in QUESTIONS.items():
            sent = await emulator.slash("ask", user=user, question=question)
            (followup,) = await emulator.followups(sent, timeout=120)
            body = followup.body
            pages[name] = page(question, body["embeds"], body.get("components", []))
    return pages


def screenshot(pages: dict[str, str]) -> None:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
        view = browser.new_page(viewport={"width": 720, "height": 400}, device_scale_factor=2)
        for name, content in pages.items():
            view.set_content(content)
            view.screenshot(path=str(OUT / name), full_page=True)
            print(f"wrote {OUT / name}")
        browser.close()


def main() -> int:
    screenshot(asyncio.run(answers()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
