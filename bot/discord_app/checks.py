"""Who may do what, checked when a command runs: moderators for /kb, a per-user question budget.

Hiding /kb in Discord's UI (default permissions) is only a convenience; these checks are what
actually refuse a request.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable

import discord
from discord import app_commands


class NotModerator(app_commands.CheckFailure):
    """Raised for /kb by someone without Manage Server or a moderator role."""

    def __init__(self) -> None:
        super().__init__(
            "Only moderators can change the knowledge base: you need Manage Server "
            "or one of the roles in BASIS_MODERATOR_ROLE_IDS."
        )


def is_moderator(user: discord.abc.User, permissions: discord.Permissions, role_ids: Iterable[int]) -> bool:
    """Manage Server (or Administrator) in this channel, or a configured moderator role."""
    if permissions.manage_guild or permissions.administrator:
        return True
    roles = {role.id for role in getattr(user, "roles", ())}
    return not roles.isdisjoint(role_ids)


class RateLimiter:
    """A sliding window per user: at most `count` questions in any `seconds`."""

    def __init__(self, count: int, seconds: float, clock: Callable[[], float] = time.monotonic):
        self.count = count
        self.seconds = seconds
        self._clock = clock
        self._asked: defaultdict[int, deque[float]] = defaultdict(deque)

    def retry_after(self, user_id: int) -> float:
        """Seconds until `user_id` may ask again (0 means go ahead, and the question is counted)."""
        now = self._clock()
        asked = self._asked[user_id]
        while asked and now - asked[0] >= self.seconds:
            asked.popleft()
        if len(asked) >= self.count:
            return self.seconds - (now - asked[0])
        asked.append(now)
        return 0.0

    def refusal(self, user_id: int) -> str | None:
        """A polite refusal when over the limit; None means go ahead (and the question counts)."""
        wait = self.retry_after(user_id)
        if not wait:
            return None
        return (
            f"You have asked {self.count} questions in the last {self.seconds:g} seconds. "
            f"Please wait {math.ceil(wait)} s and ask again."
        )
