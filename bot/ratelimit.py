"""A per-person rate limit, checked before routing so a flood costs almost nothing.

A token bucket per (platform, user): bursts up to the per-minute allowance are fine (a
person tapping through onboarding), a steady flood is refused. The flooder is told once,
kindly, and then ignored until their allowance refills, so a flood cannot turn the bot into
a reply flood either. Counted per process: each platform has its own process, and a
person's messages arrive through one platform at a time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.messages import Incoming, Reply

SLOW_DOWN = (
    "You're sending messages faster than I can take them in, so I've paused for a moment. "
    "Anything you send in the next minute won't be saved; please try again shortly."
)
Clock = Callable[[], float]


@dataclass
class Bucket:
    tokens: float
    updated: float
    warned: bool = False


class RateLimiter:
    """``check`` returns None to go ahead, or the replies to send instead (maybe none)."""

    def __init__(
        self,
        per_minute: int,
        exempt: frozenset[str] = frozenset(),
        clock: Clock = time.monotonic,
        max_tracked: int = 50_000,
    ) -> None:
        self.capacity = float(per_minute)
        self.refill_per_second = per_minute / 60.0
        self.exempt = exempt  # "platform:user" keys, e.g. organisers named in settings
        self.clock = clock
        self.max_tracked = max_tracked
        self.buckets: dict[str, Bucket] = {}

    def check(self, incoming: Incoming) -> list[Reply] | None:
        key = f"{incoming.platform}:{incoming.user_id}"
        if key in self.exempt:
            return None
        bucket = self._refilled(key)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.warned = False
            return None
        if bucket.warned:
            return []
        bucket.warned = True
        return [Reply(SLOW_DOWN)]

    def _refilled(self, key: str) -> Bucket:
        now = self.clock()
        bucket = self.buckets.get(key)
        if bucket is None:
            self._forget_idle(now)
            bucket = self.buckets[key] = Bucket(self.capacity, now)
            return bucket
        gained = (now - bucket.updated) * self.refill_per_second
        bucket.tokens = min(self.capacity, bucket.tokens + gained)
        bucket.updated = now
        return bucket

    def _forget_idle(self, now: float) -> None:
        """Keep memory bounded: a bucket that would be full again carries no information."""
        if len(self.buckets) < self.max_tracked:
            return
        full_after = self.capacity / self.refill_per_second
        self.buckets = {k: b for k, b in self.buckets.items() if now - b.updated < full_after}
