"""Fixtures for the Discord tests: an emulator on 127.0.0.1, a tiny knowledge base, the real bot.

The bot is started through `bot.discord_app.start`, the coroutine `basis run` runs, with the
REST base and gateway URL taken from settings that point at the emulator.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import pytest_asyncio

from bot.discord_app import start
from bot.indexing.build import build_index
from bot.service import chunker_config
from bot.settings import Settings
from tests.discord_app.emulator import DiscordEmulator
from tests.fakes import HashEmbedder

DEEMED_EXPORT = """\
---
id: deemed-export
title: "Deemed exports: releasing technology to foreign persons"
source_type: regulation
citation: "15 CFR 734.13"
url: https://www.ecfr.gov/current/title-15/section-734.13
published: 2024-09-01
as_of: 2026-11-27
topics: [deemed-export, release]
summary_zh: "向境内外国人释放技术视同出口。"
sources:
  - title: "15 CFR 734.13"
    url: https://www.ecfr.gov/current/title-15/section-734.13
    date: 2024-09-01
---
## What a deemed export is

Releasing controlled technology or source code to a foreign person inside the United States
is a deemed export to that person's most recent country of citizenship or permanent residency.

## How a release happens

A release happens when a foreign person inspects technology visually or receives it orally or
in writing. A deemed export needs the same licence as an export to the person's home country.
"""

DIRECTIVE_BASIS = """\
---
id: directive-legal-basis
title: "The legal basis of the June 2026 directive"
source_type: explainer
citation: "Commerce letter of 2026-06-12 (unpublished)"
url: https://example.org/directive-legal-basis
published: 2026-06-12
as_of: 2026-11-27
legal_basis: not_public
topics: [directive]
summary_zh: "指令的法律依据没有公开。"
sources:
  - title: "Statement on the directive"
    url: https://example.org/statement
    date: 2026-06-12
---
## Which law the directive rests on

The directive was delivered by letter and its legal basis has not been published. No Federal
Register notice of the directive exists, and the letter citing the legal authority is not public.
"""

GLOSSARY = """\
- term: deemed export
  aliases: [deemed exports]
  zh: [视同出口]
  definition: "Releasing controlled technology to a foreign person in the United States."
  definition_zh: "在美国境内向外国人释放受管控技术。"
  citation: "15 CFR 734.13(a)(2)"
  related: [release]
- term: release
  aliases: []
  zh: [释放]
  definition: "Making technology available to a foreign person, by sight, speech or writing."
  citation: "15 CFR 734.15"
  related: [deemed export]
- term: entity list
  aliases: []
  zh: [实体清单]
  definition: "Parties subject to extra licence requirements, in Supplement No. 4 to part 744."
  citation: "15 CFR 744.16"
  related: []
"""

WIDGET_BILL = """\
---
id: quantum-widget-act
title: "Quantum Widget Licensing Act"
source_type: bill
citation: "H.R. 9999"
url: https://example.org/hr9999
published: 2026-10-01
as_of: 2026-11-27
topics: [bills]
summary_zh: "量子小部件许可法案。"
sources:
  - title: "H.R. 9999"
    url: https://example.org/hr9999
    date: 2026-10-01
---
## What the bill would do

The Quantum Widget Licensing Act would require a licence before any quantum widget is shipped
abroad. Quantum widget makers would report every quantum widget shipment each quarter.
"""


def write_knowledge(root: Path) -> Path:
    """A tiny knowledge directory: a regulation, a not-public directive, and a glossary."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "deemed-export.md").write_text(DEEMED_EXPORT, encoding="utf-8")
    (root / "directive-legal-basis.md").write_text(DIRECTIVE_BASIS, encoding="utf-8")
    (root / "glossary.yaml").write_text(GLOSSARY, encoding="utf-8")
    return root


@pytest_asyncio.fixture
async def emulator() -> AsyncIterator[DiscordEmulator]:
    emu = DiscordEmulator()
    await emu.start()
    try:
        yield emu
    finally:
        await emu.close()


@pytest.fixture
def make_settings(tmp_path: Path, emulator: DiscordEmulator) -> Callable[..., Settings]:
    """Settings pointing at the emulator and a freshly indexed tiny knowledge base."""
    knowledge = write_knowledge(tmp_path / "knowledge")

    def make(**overrides: object) -> Settings:
        values: dict[str, object] = {
            "knowledge_dir": knowledge,
            "index_dir": tmp_path / "index",
            "data_dir": tmp_path / "data",
            "discord_token": emulator.token,
            "discord_api_base": emulator.api_base,
            "discord_gateway_url": emulator.gateway_url,
            "moderator_role_ids": [emulator.moderator_role_id],
            "abstain_threshold": 0.05,
        }
        values.update(overrides)
        settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
        if not (settings.index_dir / "current").exists():
            build_index(
                knowledge,
                settings.index_dir,
                HashEmbedder(),
                chunker_config(settings),
                settings.ann_threshold,
            )
        return settings

    return make


@pytest_asyncio.fixture
async def run_bot(
    emulator: DiscordEmulator, make_settings: Callable[..., Settings]
) -> AsyncIterator[Callable[..., object]]:
    """Start the bot with optional setting overrides; it is stopped when the test ends."""
    tasks: list[asyncio.Task[None]] = []

    async def run(**overrides: object) -> Settings:
        settings = make_settings(**overrides)
        task = asyncio.create_task(start(settings, embedder=HashEmbedder()))
        tasks.append(task)
        connected = asyncio.create_task(emulator.wait_connected())
        await asyncio.wait({task, connected}, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            connected.cancel()
            task.result()  # start-up failed: raise its error in the test
        return settings

    yield run
    for task in tasks:
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    assert_no_mentions_allowed(emulator)


def assert_no_mentions_allowed(emulator: DiscordEmulator) -> None:
    """Every message the bot sent, in any test, allowed no mentions at all."""
    for call in emulator.calls:
        body = call.body or {}
        if call.route.endswith("/callback") and body.get("type") == 4:
            body = body["data"]
        elif call.method != "POST" or not call.route.endswith(("/messages", "/webhooks/{app_id}/{token}")):
            continue
        assert body.get("allowed_mentions") == {"parse": []}, (call.route, body)
