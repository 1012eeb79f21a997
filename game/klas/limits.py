"""Token buckets: guessing team codes, tokens or the teacher's secret, and flooding, are cut off.

A bucket holds up to `burst` tokens and refills at `rate` tokens per second; each attempt
takes one. Time is injected so tests move it by hand.
"""

from __future__ import annotations

import time
from collections.abc import Callable

#: Failed join attempts (unknown team code, wrong device token, wrong teacher secret) per
#: client address: 10 at once, then one every 6 seconds. A class joins with valid codes,
#: which cost nothing.
GUESS_BURST = 10
GUESS_RATE = 1 / 6
#: Messages per connection: a student clicks a few times a second at most.
MESSAGE_BURST = 40
MESSAGE_RATE = 10.0
#: Malformed messages a connection may send before it is closed.
MAX_BAD_MESSAGES = 5


class TokenBucket:
    """`burst` tokens, refilled at `rate` per second; `take()` is False when empty."""

    def __init__(self, burst: float, rate: float, clock: Callable[[], float] = time.monotonic):
        self.burst = burst
        self.rate = rate
        self.clock = clock
        self.tokens = float(burst)
        self.stamp = clock()

    def take(self) -> bool:
        """Take one token; False (and nothing taken) when the bucket is empty."""
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    def has_token(self) -> bool:
        """True when a token is available now (without taking one)."""
        now = self.clock()
        return min(self.burst, self.tokens + (now - self.stamp) * self.rate) >= 1


class GuessLimiter:
    """One bucket of failed attempts per client address (old, full buckets are forgotten)."""

    def __init__(self, burst: float = GUESS_BURST, rate: float = GUESS_RATE,
                 clock: Callable[[], float] = time.monotonic):
        self.burst = burst
        self.rate = rate
        self.clock = clock
        self._buckets: dict[str, TokenBucket] = {}

    def allowed(self, address: str) -> bool:
        """True when this address may try again now."""
        bucket = self._buckets.get(address)
        return bucket is None or bucket.has_token()

    def failed(self, address: str) -> None:
        """Count one failed attempt for this address."""
        if len(self._buckets) > 10_000:
            self._buckets.clear()  # a flood of addresses: start over rather than grow
        bucket = self._buckets.setdefault(address, TokenBucket(self.burst, self.rate, self.clock))
        bucket.take()
