"""A small Discord-protocol emulator so the real discord.py client can be tested end to end.

It serves REST over plain http and a gateway websocket on 127.0.0.1, with one guild, one text
channel and whatever users a test makes up; `add_guild` adds more. It answers `GET /gateway/bot`
with `shard_count` and a session start limit of `max_concurrency`, notes when each shard
IDENTIFYs (`identified_at`), and keeps one session per shard a client IDENTIFYs, sending each guild's
events to the session of shard `(guild_id >> 22) % count`, as Discord does. It records every
REST call with a timestamp (`clock`: monotonic unless a test sets a virtual one), checks
outgoing messages against Discord's size limits (400 like Discord), and can inject faults: 429s
on a route, or a dropped gateway that the client must RESUME. Message events follow the intents
the client IDENTIFYed with (no Guild Messages: none; no Message Content: empty content unless
the message mentions the bot), and `add_channel`/`forum_post` model forums. Every wait gives up after
`tests.timing.PATIENCE` seconds, which only a failing test spends.

Behaviour follows what discord.py 2.7 needs, not the whole API: unknown routes answer 404 and
are recorded, so a test sees at once what the client asked for.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web

from tests.timing import PATIENCE

API_PREFIX = "/api/v10"
DISCORD_EPOCH_MS = 1_420_070_400_000

MANAGE_GUILD = 1 << 5
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 16) | (1 << 38)  # view, send, history, threads
ALL_PERMISSIONS = (1 << 50) - 1
EPHEMERAL = 1 << 6
LOADING = 1 << 7
GUILD_MESSAGES_INTENT = 1 << 9
MESSAGE_CONTENT_INTENT = 1 << 15

INTERACTION_COMMAND, INTERACTION_COMPONENT, INTERACTION_AUTOCOMPLETE = 2, 3, 4

# Discord's message limits; a payload over any of them gets a 400 from the emulator.
LIMITS = {
    "content": 2000,
    "embeds": 10,
    "title": 256,
    "description": 4096,
    "fields": 25,
    "field_name": 256,
    "field_value": 1024,
    "footer": 2048,
    "author": 256,
    "embed_total": 6000,
}

Json = dict[str, Any]


@dataclass
class RestCall:
    """One request the client made, as the emulator saw it."""

    method: str
    route: str  # the route template below /api/v10, e.g. "/webhooks/{app_id}/{token}"
    path: str
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    files: dict[str, tuple[str, bytes]]
    at: float
    status: int = 0
    response: Any = None


CALL = web.RequestKey("call", RestCall)


@dataclass(frozen=True)
class Upload:
    """A file a test attaches to a slash command; the emulator serves it like Discord's CDN."""

    filename: str
    data: bytes
    content_type: str = "text/markdown"


@dataclass
class SentInteraction:
    """An INTERACTION_CREATE the emulator dispatched."""

    id: int
    token: str
    at: float
    payload: Json


@dataclass
class _Fault:
    method: str
    route: str
    remaining: int
    retry_after: float
    status: int


@dataclass
class _Session:
    id: str
    shard: tuple[int, int]  # (shard id, shard count) from IDENTIFY; (0, 1) when unsharded
    intents: int = -1  # from IDENTIFY: what this session is sent (see `_as_seen`)
    live: web.WebSocketResponse | None = None
    events: list[Json] = field(default_factory=list)  # every dispatch, for RESUME replay

    @property
    def seq(self) -> int:
        return len(self.events)

    def owns(self, guild_id: int) -> bool:
        shard_id, count = self.shard
        return (guild_id >> 22) % count == shard_id


class DiscordEmulator:
    """Start with `await emu.start()`; point discord.py at `api_base` and `gateway_url`."""

    def __init__(self, *, token: str = "emulator-token") -> None:
        self.token = token
        self._ids = itertools.count(1)
        self.bot_user: Json = _user(self._snowflake(), "Basis", bot=True)
        self.app_id = int(self.bot_user["id"])
        self.guild_id = self._snowflake()
        self.channel_id = self._snowflake()
        self.moderator_role_id = self._snowflake()
        self.calls: list[RestCall] = []
        self.gateway_log: list[Json] = []  # what the client sent over the gateway
        self.commands: dict[int | None, list[Json]] = {}
        self.messages: dict[int, Json] = {}
        self.channels: dict[int, Json] = {self.channel_id: self._text_channel(self.guild_id, self.channel_id)}
        self.guild_channels: dict[int, int] = {self.guild_id: self.channel_id}  # guild → its text channel
        self.shard_count = 1  # what GET /gateway/bot recommends
        self.max_concurrency = 1  # its session_start_limit: IDENTIFYs allowed at once
        # What `at` of calls, interactions and IDENTIFYs reads; a test pacing the bot's identify
        # gate on a virtual clock sets that clock here too, so identify times are the gate's.
        self.clock: Callable[[], float] = time.monotonic
        self.identified_at: list[tuple[float, int]] = []  # (self.clock(), shard id) of each IDENTIFY
        self.interactions: dict[int, SentInteraction] = {}
        self._acknowledged: set[int] = set()  # interactions whose callback succeeded
        self.downloads: list[str] = []  # attachment paths fetched from the emulated CDN
        self.deny_intents = 0  # intents the emulator refuses with close code 4014
        self._uploads: dict[int, Upload] = {}
        self._faults: list[_Fault] = []
        self._sessions: dict[int, _Session] = {}  # by shard id
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ----------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024 * 1024)
        routes = [
            ("GET", "/users/@me", self._get_me),
            ("GET", "/gateway/bot", self._gateway_bot),
            ("GET", "/oauth2/applications/@me", self._get_app),
            ("PUT", "/applications/{app_id}/commands", self._put_commands),
            ("PUT", "/applications/{app_id}/guilds/{guild_id}/commands", self._put_commands),
            ("POST", "/interactions/{interaction_id}/{token}/callback", self._callback),
            ("POST", "/webhooks/{app_id}/{token}", self._followup),
            ("GET", "/webhooks/{app_id}/{token}/messages/{message_id}", self._get_webhook_msg),
            ("PATCH", "/webhooks/{app_id}/{token}/messages/{message_id}", self._edit_webhook_msg),
            ("POST", "/channels/{channel_id}/messages", self._create_message),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self._get_message),
            ("POST", "/channels/{channel_id}/messages/{message_id}/threads", self._create_thread),
            ("POST", "/channels/{channel_id}/typing", self._typing),
        ]
        for method, path, handler in routes:
            app.router.add_route(method, API_PREFIX + path, handler)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._unknown)
        app.router.add_get("/gw", self._gateway)
        app.router.add_get("/attachments/{attachment_id}/{filename}", self._cdn)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        for session in self._sessions.values():
            if session.live is not None:
                await session.live.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gw"

    # ----------------------------------------------------------------- test helpers

    def make_user(self, name: str) -> Json:
        return _user(self._snowflake(), name)

    def fail_next(
        self, method: str, route: str, *, times: int = 1, retry_after: float = 0.2, status: int = 429
    ) -> None:
        """Answer the next `times` requests to `route` with a 429 that discord.py retries
        (with `Via` and `retry_after`), or with another error status such as 403."""
        self._faults.append(_Fault(method.upper(), route, times, retry_after, status))

    async def add_guild(self, shard_id: int = 0, shard_count: int = 1) -> tuple[int, int]:
        """A new guild with one text channel, whose id falls on `shard_id` of `shard_count`;
        returns (guild id, channel id). A session already serving that shard gets GUILD_CREATE."""
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        guild_id = ((ms - ms % shard_count + shard_id) << 22) | (next(self._ids) & 0x3FFFFF)
        channel_id = self._snowflake()
        self.channels[channel_id] = self._text_channel(guild_id, channel_id)
        self.guild_channels[guild_id] = channel_id
        owner = next((s for s in self._sessions.values() if s.owns(guild_id)), None)
        if owner is not None:
            await self.dispatch("GUILD_CREATE", self._guild(guild_id), shard_id=owner.shard[0])
        return guild_id, channel_id

    async def drop_gateway(self, code: int = 4000, *, shard_id: int | None = None) -> None:
        """Close the client's gateway sockets (or one shard's); events dispatched meanwhile wait
        for RESUME."""
        for session in self._sessions.values():
            if shard_id is not None and session.shard[0] != shard_id:
                continue
            ws, session.live = session.live, None
            if ws is not None:
                await ws.close(code=code)

    async def wait_connected(self, shards: int = 1, timeout: float = PATIENCE) -> None:
        """Wait until `shards` sessions have identified or resumed and receive dispatches."""
        await self._wait(lambda: len(self.live_shards) >= shards, timeout)

    async def wait_resumed(self, count: int = 1, timeout: float = PATIENCE) -> None:
        await self._wait(
            lambda: len(self.gateway_ops(6)) >= count and len(self.live_shards) == len(self._sessions),
            timeout,
        )

    @property
    def live_shards(self) -> list[tuple[int, int]]:
        """(shard id, count) of every session whose socket is open, by shard id."""
        return [s.shard for _, s in sorted(self._sessions.items()) if s.live is not None]

    def events(self, shard_id: int) -> list[Json]:
        """Every dispatch sent (or kept for replay) on the session of `shard_id`."""
        return list(self._sessions[shard_id].events)

    @property
    def session_id(self) -> str | None:
        """The id of the first shard's session (the only one when the client is unsharded)."""
        return self._sessions[min(self._sessions)].id if self._sessions else None

    def gateway_ops(self, op: int) -> list[Json]:
        return [p for p in self.gateway_log if p.get("op") == op]

    async def wait_for(self, predicate: Callable[[RestCall], bool], timeout: float = PATIENCE) -> RestCall:
        """The first recorded call (past or future) that matches."""
        found: list[RestCall] = []

        def check() -> bool:
            found[:] = [c for c in self.calls if predicate(c)][:1]
            return bool(found)

        await self._wait(check, timeout)
        return found[0]

    async def wait_calls(
        self, predicate: Callable[[RestCall], bool], count: int, timeout: float = PATIENCE
    ) -> list[RestCall]:
        await self._wait(lambda: len([c for c in self.calls if predicate(c)]) >= count, timeout)
        return [c for c in self.calls if predicate(c)]

    async def callback(self, interaction: SentInteraction, timeout: float = PATIENCE) -> RestCall:
        """The successful interaction callback for `interaction`."""
        return await self.wait_for(
            lambda c: (
                c.route == "/interactions/{interaction_id}/{token}/callback"
                and c.params["interaction_id"] == str(interaction.id)
                and c.status == 200
            ),
            timeout,
        )

    async def followups(
        self, interaction: SentInteraction, count: int = 1, timeout: float = PATIENCE
    ) -> list[RestCall]:
        """Successful follow-up messages sent with `interaction`'s token, oldest first."""
        return await self.wait_calls(
            lambda c: (
                c.route == "/webhooks/{app_id}/{token}"
                and c.params["token"] == interaction.token
                and c.status == 200
            ),
            count,
            timeout,
        )

    def replies(self, interaction: SentInteraction) -> list[RestCall]:
        """Every message the client sent in answer to `interaction`, oldest first: a callback
        that carries one (type 4, or 7 updating a clicked message) and each follow-up. A deferral
        (type 5) is not a reply; the follow-up that fills it is. Failed calls are left out."""
        return [
            c
            for c in self.calls
            if c.status == 200
            and (
                (
                    c.route == "/interactions/{interaction_id}/{token}/callback"
                    and c.params["interaction_id"] == str(interaction.id)
                    and c.body["type"] in (4, 7)
                )
                or (c.route == "/webhooks/{app_id}/{token}" and c.params["token"] == interaction.token)
            )
        ]

    async def channel_messages(
        self, channel_id: int, count: int = 1, timeout: float = PATIENCE
    ) -> list[Json]:
        """Messages the bot posted in a channel or thread (as stored), oldest first."""
        calls = await self.wait_calls(
            lambda c: (
                c.route == "/channels/{channel_id}/messages"
                and c.method == "POST"
                and c.params["channel_id"] == str(channel_id)
                and c.status == 200
            ),
            count,
            timeout,
        )
        return [c.response for c in calls]

    async def slash(
        self,
        command: str,
        *,
        user: Json,
        roles: tuple[int, ...] = (),
        permissions: int = MEMBER_PERMISSIONS,
        channel_id: int | None = None,
        **values: Any,
    ) -> SentInteraction:
        """Dispatch a slash command; `command` may be "kb add" for a subcommand.

        Option types come from the commands the client synced, as in Discord; an `Upload`
        value becomes an attachment with a URL this emulator serves.
        """
        name, *sub = command.split()
        definition, guild_id = self._command(name)
        resolved: Json = {}
        options = self._options(definition, sub, values, resolved, focused=None)
        data: Json = {"id": definition["id"], "name": name, "type": 1, "options": options}
        if guild_id is not None:
            data["guild_id"] = str(guild_id)
        if resolved:
            data["resolved"] = resolved
        return await self._interact(INTERACTION_COMMAND, data, user, roles, permissions, channel_id)

    async def autocomplete(
        self,
        command: str,
        focused: str,
        *,
        user: Json,
        roles: tuple[int, ...] = (),
        permissions: int = MEMBER_PERMISSIONS,
        **values: Any,
    ) -> list[Json]:
        """Dispatch an autocomplete interaction and return the choices the client offered."""
        name, *sub = command.split()
        definition, guild_id = self._command(name)
        options = self._options(definition, sub, values, {}, focused=focused)
        data: Json = {"id": definition["id"], "name": name, "type": 1, "options": options}
        if guild_id is not None:
            data["guild_id"] = str(guild_id)
        sent = await self._interact(INTERACTION_AUTOCOMPLETE, data, user, roles, permissions, None)
        call = await self.callback(sent)
        assert call.body["type"] == 8, call.body
        return call.body["data"]["choices"]

    async def click(self, message: Json, custom_id: str, *, user: Json) -> SentInteraction:
        """Press a button on a message the bot sent."""
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._interact(
            INTERACTION_COMPONENT,
            data,
            user,
            (),
            MEMBER_PERMISSIONS,
            int(message["channel_id"]),
            message=message,
        )

    async def user_message(
        self, content: str, *, user: Json, channel_id: int | None = None, mention: bool = False
    ) -> Json:
        """A member posts a message; with `mention` it starts with an @mention of the bot."""
        channel_id = channel_id or self.channel_id
        if mention:
            content = f"<@{self.app_id}> {content}"
        message = self._message(channel_id, user, {"content": content})
        message["member"] = self._member_body(())
        if mention:
            message["mentions"] = [dict(self.bot_user, member=self._member_body(()))]
        await self.dispatch("MESSAGE_CREATE", message)
        return message

    async def add_channel(self, *, forum: bool = False) -> int:
        """Another text channel (or a forum) in the first guild, announced with CHANNEL_CREATE."""
        channel_id = self._snowflake()
        channel = self._text_channel(self.guild_id, channel_id)
        if forum:
            channel.update(type=15, name="questions", available_tags=[], flags=0)
        self.channels[channel_id] = channel
        if self._sessions:  # else the guild's GUILD_CREATE lists it
            await self.dispatch("CHANNEL_CREATE", channel)
        return channel_id

    async def forum_post(self, forum_id: int, title: str, content: str, *, user: Json) -> int:
        """A member opens a post in a forum: THREAD_CREATE, then the post's first message (which
        shares the thread's id), as Discord sends them; returns the thread id."""
        thread_id = self._snowflake()
        thread = self._thread(thread_id, forum_id, int(user["id"]), title)
        self.channels[thread_id] = thread
        await self.dispatch("THREAD_CREATE", dict(thread, newly_created=True))
        message = self._message(thread_id, user, {"content": content})
        del self.messages[int(message["id"])]
        message["id"] = str(thread_id)
        message["member"] = self._member_body(())
        self.messages[thread_id] = message
        await self.dispatch("MESSAGE_CREATE", message)
        return thread_id

    async def dispatch(self, event: str, data: Json, *, shard_id: int | None = None) -> int:
        """Send a gateway event now, or keep it for RESUME replay if the socket is down.

        It goes to the session of `shard_id`, else of the shard that owns the event's guild
        (shard 0 for events without one, as Discord sends DMs)."""
        session = self._session_for(data, shard_id)
        seen = self._as_seen(event, data, session.intents)
        if seen is None:
            return session.seq
        packet = {"op": 0, "t": event, "s": session.seq + 1, "d": seen}
        session.events.append(packet)
        if session.live is not None:
            try:
                await session.live.send_str(json.dumps(packet))
            except ConnectionError:
                session.live = None
        return packet["s"]

    def _as_seen(self, event: str, data: Json, intents: int) -> Json | None:
        """`data` as a session with `intents` receives it, by Discord's rules for messages: no
        server MESSAGE_CREATE without Guild Messages, and without Message Content a message that
        is neither the bot's own nor mentions it comes with empty content, embeds, attachments
        and components."""
        if event != "MESSAGE_CREATE" or "guild_id" not in data:
            return data
        if not intents & GUILD_MESSAGES_INTENT:
            return None
        me = str(self.app_id)
        mentioned = any(user["id"] == me for user in data.get("mentions", []))
        if intents & MESSAGE_CONTENT_INTENT or data["author"]["id"] == me or mentioned:
            return data
        return dict(data, content="", embeds=[], attachments=[], components=[])

    def _session_for(self, data: Json, shard_id: int | None) -> _Session:
        if shard_id is None and "guild_id" in data:
            guild_id = int(data["guild_id"])
            found = [s for s in self._sessions.values() if s.owns(guild_id)]
            assert found, f"no gateway session serves the shard of guild {guild_id}"
            return found[0]
        session = self._sessions.get(shard_id or 0)
        assert session is not None, f"shard {shard_id or 0} has not identified yet"
        return session

    # ----------------------------------------------------------------- gateway

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 41_250}})
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                packet = json.loads(msg.data)
                self.gateway_log.append(packet)
                op = packet.get("op")
                if op == 1:
                    await ws.send_json({"op": 11})
                elif op == 2:
                    await self._identify(ws, packet["d"])
                elif op == 6:
                    await self._resume(ws, packet["d"])
                await self._notify()
        finally:
            for session in self._sessions.values():
                if session.live is ws:
                    session.live = None
        return ws

    async def _identify(self, ws: web.WebSocketResponse, data: Json) -> None:
        if data.get("token") != self.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        if data.get("intents", 0) & self.deny_intents:
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        shard_id, count = data.get("shard") or (0, 1)
        self.identified_at.append((self.clock(), shard_id))
        if not 0 <= shard_id < count:
            await ws.close(code=4010, message=b"Invalid shard.")
            return
        session = self._sessions[shard_id] = _Session(
            secrets.token_hex(8), (shard_id, count), live=ws, intents=data.get("intents", 0)
        )
        guild_ids = [g for g in self.guild_channels if session.owns(g)]
        ready = {
            "v": 10,
            "user": self.bot_user,
            "guilds": [{"id": str(g), "unavailable": True} for g in guild_ids],
            "session_id": session.id,
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.app_id), "flags": 0},
            "shard": [shard_id, count],
        }
        await self.dispatch("READY", ready, shard_id=shard_id)
        for guild_id in guild_ids:  # on this session: a guild object has no "guild_id" to route by
            await self.dispatch("GUILD_CREATE", self._guild(guild_id), shard_id=shard_id)

    async def _resume(self, ws: web.WebSocketResponse, data: Json) -> None:
        session = next((s for s in self._sessions.values() if s.id == data.get("session_id")), None)
        if session is None:
            await ws.send_json({"op": 9, "d": False})
            return
        index = int(data.get("seq") or 0)
        while index < len(session.events):  # dispatches made while replaying are kept in order
            await ws.send_str(json.dumps(session.events[index]))
            index += 1
        session.live = ws
        await self.dispatch("RESUMED", {}, shard_id=session.shard[0])

    # ----------------------------------------------------------------- REST plumbing

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Callable) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX):
            return await handler(request)
        at = self.clock()
        resource = request.match_info.route.resource
        route = resource.canonical[len(API_PREFIX) :] if resource else request.path
        body, files = await _read_body(request)
        call = RestCall(
            method=request.method,
            route=route,
            path=request.path[len(API_PREFIX) :],
            params=dict(request.match_info),
            query=dict(request.query),
            body=body,
            files=files,
            at=at,
        )
        request[CALL] = call
        response = self._fault(call) or self._unauthorized(request, call)
        if response is None:
            response = await handler(request)
        call.status = response.status
        self.calls.append(call)
        await self._notify()
        return response

    def _fault(self, call: RestCall) -> web.Response | None:
        for fault in self._faults:
            if fault.remaining and (fault.method, fault.route) == (call.method, call.route):
                fault.remaining -= 1
                if fault.status != 429:
                    call.response = {"message": "Missing Permissions", "code": 50013}
                    return _json(call.response, status=fault.status)
                body = {"message": "You are being rate limited.", "retry_after": fault.retry_after}
                call.response = dict(body, **{"global": False})
                headers = {"Via": "1.1 google", "Retry-After": str(fault.retry_after)}
                return _json(call.response, status=429, headers=headers)
        return None

    def _unauthorized(self, request: web.Request, call: RestCall) -> web.Response | None:
        # Webhook and interaction-callback routes are authorised by the token in the URL.
        if call.route.startswith(("/webhooks/", "/interactions/")):
            return None
        if request.headers.get("Authorization") == f"Bot {self.token}":
            return None
        call.response = {"message": "401: Unauthorized", "code": 0}
        return _json(call.response, status=401)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _wait(self, condition: Callable[[], Any], timeout: float) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(condition), timeout)

    def _reply(self, request: web.Request, body: Any, status: int = 200) -> web.Response:
        request[CALL].response = body
        return _json(body, status=status)

    def _reject(self, request: web.Request, errors: list[str]) -> web.Response:
        body = {"code": 50035, "message": "Invalid Form Body", "errors": errors}
        return self._reply(request, body, status=400)

    # ----------------------------------------------------------------- REST routes

    async def _get_me(self, request: web.Request) -> web.Response:
        return self._reply(request, self.bot_user)

    async def _gateway_bot(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": self.max_concurrency}
        body = {"url": self.gateway_url, "shards": self.shard_count, "session_start_limit": limit}
        return self._reply(request, body)

    async def _get_app(self, request: web.Request) -> web.Response:
        app = {
            "id": str(self.app_id),
            "name": "Basis",
            "description": "",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": _user(self._snowflake(), "owner"),
            "verify_key": "0" * 64,
            "flags": 0,
        }
        return self._reply(request, app)

    async def _put_commands(self, request: web.Request) -> web.Response:
        guild = request.match_info.get("guild_id")
        stored = [
            dict(cmd, id=str(self._snowflake()), application_id=str(self.app_id), version="1")
            for cmd in request[CALL].body
        ]
        if guild:
            for cmd in stored:
                cmd["guild_id"] = guild
        self.commands[int(guild) if guild else None] = stored
        return self._reply(request, stored)

    async def _callback(self, request: web.Request) -> web.Response:
        call: RestCall = request[CALL]
        sent = self.interactions.get(int(call.params["interaction_id"]))
        if sent is None or sent.token != call.params["token"]:
            return self._reply(request, {"message": "Unknown interaction", "code": 10062}, 404)
        if sent.id in self._acknowledged:  # Discord takes one callback per interaction
            body = {"message": "Interaction has already been acknowledged.", "code": 40060}
            return self._reply(request, body, 400)
        kind = call.body["type"]
        data = call.body.get("data") or {}
        if errors := limit_errors(data):
            return self._reject(request, errors)
        self._acknowledged.add(sent.id)
        interaction: Json = {"id": str(sent.id), "type": sent.payload["type"]}
        body: Json = {"interaction": interaction}
        if kind in (4, 5):  # message now, or deferred "thinking" message
            flags = data.get("flags", 0) | (LOADING if kind == 5 else 0)
            channel_id = int(sent.payload["channel_id"])
            message = self._message(channel_id, self.bot_user, dict(data, flags=flags))
            message["interaction_token"] = sent.token
            interaction.update(
                response_message_id=message["id"],
                response_message_loading=kind == 5,
                response_message_ephemeral=bool(flags & EPHEMERAL),
            )
            body["resource"] = {"type": kind, "message": message}
        return self._reply(request, body)

    async def _followup(self, request: web.Request) -> web.Response:
        call: RestCall = request[CALL]
        if errors := limit_errors(call.body or {}):
            return self._reject(request, errors)
        token = call.params["token"]
        sent = next((s for s in self.interactions.values() if s.token == token), None)
        if sent is None:
            return self._reply(request, {"message": "Unknown Webhook", "code": 10015}, 404)
        original = self._original(token)
        payload = dict(call.body or {}, attachments=_attachments(call.files))
        if original is not None and original.get("flags", 0) & LOADING:
            # Discord turns the first follow-up after a defer into the original response.
            original.update(payload, flags=original["flags"] & ~LOADING)
            message = original
        else:
            message = self._message(int(sent.payload["channel_id"]), self.bot_user, payload)
        message["webhook_id"] = str(self.app_id)
        return self._reply(request, message)

    async def _get_webhook_msg(self, request: web.Request) -> web.Response:
        message = self._webhook_message(request)
        if message is None:
            return self._reply(request, {"message": "Unknown Message", "code": 10008}, 404)
        return self._reply(request, message)

    async def _edit_webhook_msg(self, request: web.Request) -> web.Response:
        call: RestCall = request[CALL]
        if errors := limit_errors(call.body or {}):
            return self._reject(request, errors)
        message = self._webhook_message(request)
        if message is None:
            return self._reply(request, {"message": "Unknown Message", "code": 10008}, 404)
        message.update(call.body or {})
        message["flags"] = message.get("flags", 0) & ~LOADING
        return self._reply(request, message)

    async def _create_message(self, request: web.Request) -> web.Response:
        call: RestCall = request[CALL]
        channel_id = int(call.params["channel_id"])
        if channel_id not in self.channels:
            return self._reply(request, {"message": "Unknown Channel", "code": 10003}, 404)
        if errors := limit_errors(call.body or {}):
            return self._reject(request, errors)
        payload = dict(call.body or {}, attachments=_attachments(call.files))
        message = self._message(channel_id, self.bot_user, payload)
        await self.dispatch("MESSAGE_CREATE", message)
        return self._reply(request, message)

    async def _get_message(self, request: web.Request) -> web.Response:
        message = self.messages.get(int(request.match_info["message_id"]))
        if message is None or message["channel_id"] != request.match_info["channel_id"]:
            return self._reply(request, {"message": "Unknown Message", "code": 10008}, 404)
        return self._reply(request, message)

    async def _create_thread(self, request: web.Request) -> web.Response:
        call: RestCall = request[CALL]
        message = self.messages.get(int(call.params["message_id"]))
        if message is None:
            return self._reply(request, {"message": "Unknown Message", "code": 10008}, 404)
        thread_id = int(message["id"])  # a thread started from a message shares its id
        parent_id = int(call.params["channel_id"])
        thread = self._thread(thread_id, parent_id, self.app_id, call.body["name"])
        thread["thread_metadata"]["auto_archive_duration"] = call.body.get("auto_archive_duration", 1440)
        self.channels[thread_id] = thread
        message["thread"] = thread
        await self.dispatch("THREAD_CREATE", dict(thread, newly_created=True))
        return self._reply(request, thread, status=201)

    async def _typing(self, request: web.Request) -> web.Response:
        request[CALL].response = None
        return web.Response(status=204)

    async def _unknown(self, request: web.Request) -> web.Response:
        return self._reply(request, {"message": "404: Not Found", "code": 0}, status=404)

    async def _cdn(self, request: web.Request) -> web.Response:
        self.downloads.append(request.path)
        upload = self._uploads.get(int(request.match_info["attachment_id"]))
        if upload is None:
            return web.Response(status=404)
        return web.Response(body=upload.data, content_type=upload.content_type)

    # ----------------------------------------------------------------- model

    def _snowflake(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return (ms << 22) | (next(self._ids) & 0x3FFFFF)

    def _text_channel(self, guild_id: int, channel_id: int) -> Json:
        return {
            "id": str(channel_id),
            "type": 0,
            "guild_id": str(guild_id),
            "name": "general",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "rate_limit_per_user": 0,
        }

    def _thread(self, thread_id: int, parent_id: int, owner_id: int, name: str) -> Json:
        now = _now()
        return {
            "id": str(thread_id),
            "guild_id": str(self._guild_of(parent_id)),
            "parent_id": str(parent_id),
            "owner_id": str(owner_id),
            "name": name,
            "type": 11,
            "message_count": 0,
            "member_count": 1,
            "rate_limit_per_user": 0,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": 1440,
                "archive_timestamp": now,
                "locked": False,
                "create_timestamp": now,
            },
            "member": {"user_id": str(owner_id), "join_timestamp": now, "flags": 0},
        }

    def _guild_of(self, channel_id: int) -> int:
        return int(self.channels[channel_id]["guild_id"])

    def _guild(self, guild_id: int) -> Json:
        roles = [
            _role(guild_id, "@everyone", MEMBER_PERMISSIONS, 0),
            _role(self.moderator_role_id, "Moderators", MEMBER_PERMISSIONS, 1),
        ]
        bot_member = dict(self._member_body(()), user=self.bot_user)
        return {
            "id": str(guild_id),
            "name": "Emulated Guild",
            "owner_id": str(self._snowflake()),
            "unavailable": False,
            "member_count": 2,
            "roles": roles,
            "channels": [
                c for c in self.channels.values() if c["guild_id"] == str(guild_id) and c["type"] in (0, 15)
            ],
            "threads": [],
            "members": [bot_member],
            "emojis": [],
            "stickers": [],
            "features": [],
            "large": False,
            "joined_at": _now(),
        }

    def _member_body(self, roles: tuple[int, ...]) -> Json:
        return {
            "roles": [str(r) for r in roles],
            "joined_at": _now(),
            "deaf": False,
            "mute": False,
            "flags": 0,
        }

    def _message(self, channel_id: int, author: Json, payload: Json) -> Json:
        message = {
            "id": str(self._snowflake()),
            "channel_id": str(channel_id),
            "guild_id": str(self._guild_of(channel_id)),
            "author": author,
            "content": payload.get("content") or "",
            "timestamp": _now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": payload.get("attachments", []),
            "embeds": payload.get("embeds") or [],
            "components": payload.get("components") or [],
            "pinned": False,
            "type": 0,
            "flags": payload.get("flags", 0),
        }
        if "allowed_mentions" in payload:
            message["allowed_mentions"] = payload["allowed_mentions"]
        self.messages[int(message["id"])] = message
        return message

    def _original(self, token: str) -> Json | None:
        return next((m for m in self.messages.values() if m.get("interaction_token") == token), None)

    def _webhook_message(self, request: web.Request) -> Json | None:
        token, message_id = request.match_info["token"], request.match_info["message_id"]
        if message_id == "@original":
            return self._original(token)
        return self.messages.get(int(message_id))

    def _command(self, name: str) -> tuple[Json, int | None]:
        for guild_id, commands in self.commands.items():
            for command in commands:
                if command["name"] == name:
                    return command, guild_id
        raise KeyError(f"command /{name} was never synced")

    def _options(
        self,
        definition: Json,
        sub: list[str],
        values: dict[str, Any],
        resolved: Json,
        focused: str | None,
    ) -> list[Json]:
        if sub:
            child = next(o for o in definition.get("options", []) if o["name"] == sub[0])
            nested = self._options(child, sub[1:], values, resolved, focused)
            return [{"name": child["name"], "type": child["type"], "options": nested}]
        kinds = {o["name"]: o["type"] for o in definition.get("options", [])}
        options = []
        for name, value in values.items():
            option: Json = {"name": name, "type": kinds[name], "value": value}
            if isinstance(value, Upload):
                option["value"] = self._attach(value, resolved)
            if name == focused:
                option["focused"] = True
            options.append(option)
        return options

    def _attach(self, upload: Upload, resolved: Json) -> str:
        attachment_id = self._snowflake()
        self._uploads[attachment_id] = upload
        url = f"{self.base_url}/attachments/{attachment_id}/{upload.filename}"
        resolved.setdefault("attachments", {})[str(attachment_id)] = {
            "id": str(attachment_id),
            "filename": upload.filename,
            "size": len(upload.data),
            "url": url,
            "proxy_url": url,
            "content_type": upload.content_type,
        }
        return str(attachment_id)

    async def _interact(
        self,
        kind: int,
        data: Json,
        user: Json,
        roles: tuple[int, ...],
        permissions: int,
        channel_id: int | None,
        message: Json | None = None,
    ) -> SentInteraction:
        channel_id = channel_id or self.channel_id
        interaction_id = self._snowflake()
        token = "itk-" + secrets.token_urlsafe(24)
        member = dict(self._member_body(roles), user=user, permissions=str(permissions))
        guild_id = self._guild_of(channel_id)
        payload: Json = {
            "id": str(interaction_id),
            "application_id": str(self.app_id),
            "type": kind,
            "data": data,
            "guild_id": str(guild_id),
            "channel_id": str(channel_id),
            "channel": self.channels[channel_id],
            "member": member,
            "token": token,
            "version": 1,
            "app_permissions": str(ALL_PERMISSIONS),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild_id)},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if message is not None:
            payload["message"] = message
        sent = SentInteraction(interaction_id, token, self.clock(), payload)
        self.interactions[interaction_id] = sent
        await self.dispatch("INTERACTION_CREATE", payload)
        return sent


def _json(body: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # Bytes, not text: aiohttp adds "; charset=utf-8" to text bodies and discord.py then
    # treats the body as a string instead of JSON.
    data = json.dumps(body).encode()
    return web.Response(body=data, status=status, content_type="application/json", headers=headers)


async def _read_body(request: web.Request) -> tuple[Any, dict[str, tuple[str, bytes]]]:
    if request.content_type == "multipart/form-data":
        form = await request.post()
        files = {
            name: (part.filename, part.file.read())
            for name, part in form.items()
            if isinstance(part, web.FileField)
        }
        payload = form.get("payload_json")
        return (json.loads(payload) if isinstance(payload, str) else None), files
    if request.can_read_body:
        text = await request.text()
        return (json.loads(text) if text else None), {}
    return None, {}


def _attachments(files: dict[str, tuple[str, bytes]]) -> list[Json]:
    return [
        {"id": str(i), "filename": name, "size": len(data), "url": "", "proxy_url": ""}
        for i, (name, data) in enumerate(files.values())
    ]


def limit_errors(payload: Json) -> list[str]:
    """Which of Discord's message limits `payload` breaks (empty when it fits)."""
    errors = []
    if len(payload.get("content") or "") > LIMITS["content"]:
        errors.append("content longer than 2000")
    embeds = payload.get("embeds") or []
    if len(embeds) > LIMITS["embeds"]:
        errors.append("more than 10 embeds")
    total = 0
    for i, embed in enumerate(embeds):
        sizes = {
            "title": len(embed.get("title", "")),
            "description": len(embed.get("description", "")),
            "footer": len((embed.get("footer") or {}).get("text", "")),
            "author": len((embed.get("author") or {}).get("name", "")),
        }
        for key, size in sizes.items():
            if size > LIMITS[key]:
                errors.append(f"embeds.{i}.{key} longer than {LIMITS[key]}")
        fields = embed.get("fields") or []
        if len(fields) > LIMITS["fields"]:
            errors.append(f"embeds.{i} has more than 25 fields")
        for f in fields:
            if len(f["name"]) > LIMITS["field_name"] or len(f["value"]) > LIMITS["field_value"]:
                errors.append(f"embeds.{i} field too long")
            sizes[f"field {f['name']}"] = len(f["name"]) + len(f["value"])
        total += sum(sizes.values())
    if total > LIMITS["embed_total"]:
        errors.append("embeds longer than 6000 in total")
    return errors


def _user(user_id: int, name: str, *, bot: bool = False) -> Json:
    return {
        "id": str(user_id),
        "username": name,
        "discriminator": "0",
        "global_name": None,
        "avatar": None,
        "bot": bot,
    }


def _role(role_id: int, name: str, permissions: int, position: int) -> Json:
    return {
        "id": str(role_id),
        "name": name,
        "permissions": str(permissions),
        "position": position,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": False,
    }


def _now() -> str:
    return datetime.now(UTC).isoformat()
