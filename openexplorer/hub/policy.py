"""How hard we may ask the Hub: the request budget, and when (and whether) to try again.

Pure: no network. The Hub allows so many API calls per 5 minutes (anonymous 500, free 1,000,
PRO 2,500; resolvers, i.e. card downloads, 3,000 / 5,000 / 12,000). A :class:`RequestBudget`
per bucket counts every request in a sliding 5-minute window and waits before one that would go
over :data:`BUDGET_SHARE` of the tier's limit (:func:`budget_for`). A failed request is tried
again after :func:`retry_delay` seconds: a 429 after what the Hub asks (``Retry-After`` /
``RateLimit``, :func:`retry_after`), 5xx and timeouts after an exponential backoff, at most
:data:`MAX_ATTEMPTS` times; a wait longer than :data:`MAX_WAIT` is not waited for.
"""

from __future__ import annotations

import email.utils
import time
from collections import deque
from collections.abc import Callable, Mapping
from datetime import UTC, datetime

# Loaded lazily by huggingface_hub.utils, so not an explicit re-export for mypy.
from huggingface_hub.utils import parse_ratelimit_headers  # type: ignore[attr-defined, unused-ignore]

__all__ = [
    "API_BUDGETS",
    "BACKOFF_BASE",
    "BACKOFF_MAX",
    "BUDGET_SHARE",
    "MAX_ATTEMPTS",
    "MAX_WAIT",
    "RESOLVER_BUDGETS",
    "WINDOW_SECONDS",
    "RequestBudget",
    "budget_for",
    "rate_limit_state",
    "retry_after",
    "retry_delay",
]

#: The Hub's rate-limit window, seconds.
WINDOW_SECONDS = 300.0
#: API calls per window by plan (Hub docs, "Rate limits", September 2025).
API_BUDGETS = {"anonymous": 500, "free": 1000, "pro": 2500}
#: Resolver calls (file downloads: cards) per window by plan.
RESOLVER_BUDGETS = {"anonymous": 3000, "free": 5000, "pro": 12000}
#: Share of a tier's limit we allow ourselves (the user's other tools share the same budget).
BUDGET_SHARE = 0.9
#: Attempts per request (the first included) by kind of failure; other kinds are not retried.
MAX_ATTEMPTS = {"rate_limited": 5, "server": 4, "timeout": 3}
BACKOFF_BASE = 1.0
BACKOFF_MAX = 30.0
#: The longest single wait the Hub may ask for; longer ends the run ("try again later").
MAX_WAIT = 300.0


class RequestBudget:
    """At most ``limit`` calls in any sliding ``window`` seconds: :meth:`acquire` before each.

    ``clock`` and ``sleep`` are injectable. When ``sleep`` does not move ``clock`` (a test's
    no-op sleep), the time slept is added to the budget's own idea of the time, so it never
    loops and never goes over.
    """

    def __init__(self, limit: int, window: float = WINDOW_SECONDS, *,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if limit < 1:
            raise ValueError("a request budget needs a limit of at least 1")
        self.limit = int(limit)
        self.window = float(window)
        self._clock = clock
        self._sleep = sleep
        self._stamps: deque[float] = deque()
        self._skew = 0.0
        self._not_before: float | None = None
        self.waited = 0.0

    def _now(self) -> float:
        return self._clock() + self._skew

    def _expire(self, now: float) -> None:
        while self._stamps and self._stamps[0] <= now - self.window:
            self._stamps.popleft()

    def delay(self) -> float:
        """Seconds the next call would wait now."""
        now = self._now()
        self._expire(now)
        wait = 0.0
        if len(self._stamps) >= self.limit:
            wait = self._stamps[len(self._stamps) - self.limit] + self.window - now
        if self._not_before is not None and self._not_before > now:
            wait = max(wait, self._not_before - now)
        return max(0.0, wait)

    def acquire(self) -> float:
        """Wait until one more call fits, count it, return the seconds waited."""
        wait = self.delay()
        if wait > 0:
            before = self._now()
            self._sleep(wait)
            self.waited += wait
            self._skew += max(0.0, before + wait - self._now())
            self._expire(self._now())
        self._stamps.append(self._now())
        return wait

    def observe(self, remaining: int, reset_in: float) -> None:
        """The Hub's own count (``RateLimit`` header): none left means wait for its reset."""
        if remaining <= 0 and reset_in > 0:
            self._not_before = self._now() + min(reset_in, self.window)

    @property
    def used(self) -> int:
        self._expire(self._now())
        return len(self._stamps)


def budget_for(tier: str, bucket: str = "api") -> int:
    """Calls per window we allow ourselves on plan ``tier`` in ``bucket`` (``api``/``resolver``)."""
    table = API_BUDGETS if bucket == "api" else RESOLVER_BUDGETS
    if tier not in table:
        raise ValueError(f"unknown Hub plan {tier!r}; one of {sorted(table)}")
    return max(1, int(table[tier] * BUDGET_SHARE))


def retry_delay(kind: str, attempt: int, asked: float | None = None) -> float | None:
    """Seconds to wait before attempt ``attempt + 1`` after a failure of ``kind``, or None to
    give up. ``asked``: the wait the Hub asked for, if any. May exceed :data:`MAX_WAIT`: the
    caller decides what a very long wait means."""
    if attempt >= MAX_ATTEMPTS.get(kind, 1):
        return None
    backoff = min(BACKOFF_MAX, BACKOFF_BASE * 2.0 ** (attempt - 1))
    if kind == "rate_limited":
        return asked if asked is not None else min(BACKOFF_MAX, 5 * backoff)
    return max(backoff, asked or 0.0)  # a 503 may say when to come back


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait, from ``RateLimit`` (``"api";r=0;t=55``) or ``Retry-After`` (s or date)."""
    info = parse_ratelimit_headers(headers)
    if info is not None and info.remaining == 0:
        return float(info.reset_in_seconds)
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def rate_limit_state(headers: Mapping[str, str]) -> tuple[int, float] | None:
    """``(remaining, seconds until the window resets)`` from a ``RateLimit`` header, if any."""
    info = parse_ratelimit_headers(headers)
    if info is None:
        return None
    return info.remaining, float(info.reset_in_seconds)
