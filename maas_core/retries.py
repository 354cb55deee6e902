"""When a call is tried again and how long it waits: ``Retry-After`` and the per-call budget.

Pure, no I/O: the transports ask a ``RetryBudget`` for the next wait and sleep it themselves.

* Retried: 429 (except the quota codes that never clear, see ``RateLimitError``), 5xx,
  connection failures, and a throttling frame that arrives as the first event of a 200 stream
  (PROTOCOLS.md A.7 #2). Never other 4xx.
* The wait is the platform's ``Retry-After`` (seconds, HTTP date, or ``retry-after-ms``) on any
  retried status, else exponential backoff with jitter. A value that cannot be read (``soon``,
  ``nan``, a negative number) is ignored: backoff is used instead.
* A call never sleeps longer than ``max_retry_wait`` seconds in total (and never past its
  ``deadline``): when the next wait would pass it, the error is raised at once, ``retry_after``
  set, so the caller can schedule the call itself.
"""

from __future__ import annotations

import email.utils
import logging
import math
import random
import time
from collections.abc import Mapping
from datetime import timezone

from .errors import APIConnectionError, APIStatusError, MaaSError

__all__ = ["DEFAULT_MAX_RETRY_WAIT", "RetryBudget", "parse_retry_after", "retryable"]

logger = logging.getLogger("maas_core")

DEFAULT_MAX_RETRY_WAIT = 30.0
"""Seconds one call may spend sleeping between its attempts, all waits together."""


def retryable(error: MaaSError) -> bool:
    if isinstance(error, APIConnectionError):
        return True
    return isinstance(error, APIStatusError) and error.retryable


def parse_retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds asked by ``retry-after-ms`` or ``Retry-After``; ``None`` when absent or unreadable.

    ``inf`` (or a huge number) is kept: it is readable, and larger than any cap.
    """
    millis = _seconds(headers.get("retry-after-ms"))
    if millis is not None:
        return millis / 1000
    value = headers.get("retry-after")
    if not value:
        return None
    seconds = _seconds(value)
    return seconds if seconds is not None else _date_delay(value)


def _seconds(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return None if math.isnan(seconds) or seconds < 0 else seconds


def _date_delay(value: str) -> float | None:
    """An HTTP date (RFC 9110 10.2.3) as seconds from now."""
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(when.timestamp() - time.time(), 0.0)


class RetryBudget:
    """The retries of one call: how many are left, and how long it may still sleep."""

    def __init__(
        self,
        *,
        max_retries: int,
        max_wait: float,
        base_delay: float,
        max_delay: float,
        deadline: float | None = None,
        provider: str | None = None,
    ) -> None:
        self.max_retries = max_retries
        self.max_wait = max_wait
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.deadline = deadline
        """``time.monotonic()`` value the whole call must end by, or ``None``."""
        self.provider = provider
        self.attempt = 0
        self.waited = 0.0

    def remaining(self) -> float:
        """Seconds left before the deadline (``inf`` without one)."""
        return math.inf if self.deadline is None else self.deadline - time.monotonic()

    def delay_or_raise(self, error: MaaSError) -> float:
        """Seconds to sleep before the next attempt; raises ``error`` when there is none."""
        if self.attempt >= self.max_retries or not retryable(error):
            raise error
        asked = error.retry_after if isinstance(error, APIStatusError) else None
        if asked is not None:
            delay = asked
        else:
            backoff = min(self.base_delay * 2**self.attempt, self.max_delay)
            delay = backoff * random.uniform(0.75, 1.25)
        if delay > min(self.max_wait - self.waited, self.remaining()):
            raise error  # past the cap: the caller reads ``retry_after`` and schedules
        self.attempt += 1
        self.waited += delay
        logger.info("%s: retrying in %.2fs after %s", self.provider, delay, type(error).__name__)
        return delay
