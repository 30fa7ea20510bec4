"""A first-come, first-served lock in Redis (the idea of Redisson's fair lock).

redis-py's ``Redis.lock`` polls every 0.1 s, so a waiting worker can lose the lock to the
holder's next page again and again. Here each acquirer takes a random token and joins a
queue (a Redis list); the lock goes only to the token at the head of the queue, and the
holder's release wakes the next waiter at once instead of leaving it to a poll:

- ``<name>`` holds the holder's token (``SET ... PX ttl NX``): it expires after ``ttl``
  seconds, so a holder killed while holding it cannot block the others;
- ``<name>:queue`` lists the waiters' tokens in arrival order;
- ``<name>:waiter:<token>`` is a waiter's heartbeat (``PX heartbeat``), refreshed at each
  attempt: a head whose heartbeat has expired (a killed waiter) is dropped from the queue,
  so it cannot block the ones behind it;
- ``<name>:wake:<token>`` is the list a waiter ``BLPOP``s on between attempts (for at most
  ``poll`` seconds, the fallback when nobody wakes it, e.g. after a holder expired); a
  release pushes onto the new head's list.

A waiter that gives up leaves the queue (``LREM``). Each step is one Lua script, so the
queue and the lock change together. The scripts name keys derived from ``<name>``, which a
single Redis (not a Redis Cluster) allows; ``LPOS`` and a fractional ``BLPOP`` timeout need
Redis 6.0.6 or later. No Scrapy here: only redis-py, imported when used.
"""

from __future__ import annotations

import time
import uuid
from contextlib import suppress
from typing import Any

#: A waiter's heartbeat lives this long unless refreshed (a killed waiter holds up the
#: queue at most this long once it reaches the head).
HEARTBEAT_SECONDS = 2.0
#: The longest a waiter sleeps between attempts when nobody wakes it.
POLL_SECONDS = 0.2

# Drops the heads whose waiter is gone (shared by the scripts below).
_DROP_DEAD = """
local function drop_dead(queue, waiter, wake_prefix)
  while true do
    local head = redis.call('LINDEX', queue, 0)
    if not head or redis.call('EXISTS', waiter .. head) == 1 then
      return head
    end
    redis.call('LPOP', queue)
    redis.call('DEL', wake_prefix .. head)
  end
end
local function wake(head, wake_prefix, hb)
  if head then
    redis.call('LPUSH', wake_prefix .. head, '1')
    redis.call('PEXPIRE', wake_prefix .. head, hb)
  end
end
"""

# KEYS: lock, queue. ARGV: token, ttl ms, waiter prefix, heartbeat ms, wake prefix.
# Returns 1 when the lock is granted to the token, 0 otherwise (the token is then queued).
_ACQUIRE = (
    _DROP_DEAD
    + """
local lock, queue, token = KEYS[1], KEYS[2], ARGV[1]
if redis.call('GET', lock) == token then  -- a retried call that had already won
  redis.call('LREM', queue, 0, token)
  return 1
end
redis.call('SET', ARGV[3] .. token, '1', 'PX', ARGV[4])
if not redis.call('LPOS', queue, token) then
  redis.call('RPUSH', queue, token)  -- first attempt, or dropped while it was away
end
local head = drop_dead(queue, ARGV[3], ARGV[5])
if head == token and redis.call('SET', lock, token, 'PX', ARGV[2], 'NX') then
  redis.call('LPOP', queue)
  redis.call('DEL', ARGV[3] .. token, ARGV[5] .. token)
  return 1
end
return 0
"""
)

# KEYS: lock, queue. ARGV: token, waiter prefix, wake prefix, heartbeat ms.
# Returns 1 when the token held the lock (released, next waiter woken), 0 otherwise.
_RELEASE = (
    _DROP_DEAD
    + """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1])
wake(drop_dead(KEYS[2], ARGV[2], ARGV[3]), ARGV[3], ARGV[4])
return 1
"""
)

# KEYS: lock, queue. ARGV: token, waiter prefix, wake prefix, heartbeat ms.
# A waiter giving up: out of the queue; if the lock is free, the next waiter is woken.
_LEAVE = (
    _DROP_DEAD
    + """
local token = ARGV[1]
redis.call('LREM', KEYS[2], 0, token)
redis.call('DEL', ARGV[2] .. token, ARGV[3] .. token)
if redis.call('EXISTS', KEYS[1]) == 0 then
  wake(drop_dead(KEYS[2], ARGV[2], ARGV[3]), ARGV[3], ARGV[4])
end
return 1
"""
)


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))


class FairLock:
    """The lock ``name`` in the Redis of ``client`` (a ``redis.Redis``), held at most
    ``ttl`` seconds. One acquisition at a time per instance; not re-entrant."""

    def __init__(
        self,
        client: Any,
        name: str,
        *,
        ttl: float,
        heartbeat: float = HEARTBEAT_SECONDS,
        poll: float = POLL_SECONDS,
    ) -> None:
        self.client, self.name = client, name
        self.ttl, self.heartbeat, self.poll = ttl, heartbeat, poll
        self.queue = f"{name}:queue"
        self.waiter_prefix = f"{name}:waiter:"
        self.wake_prefix = f"{name}:wake:"
        self.token: str | None = None
        self._acquire = client.register_script(_ACQUIRE)
        self._release = client.register_script(_RELEASE)
        self._leave = client.register_script(_LEAVE)

    def acquire(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the lock, in arrival order; False when it
        stayed with others (this waiter has then left the queue). Redis errors propagate
        (after a best-effort leave)."""
        token = uuid.uuid4().hex
        keys = [self.name, self.queue]
        args = [token, _ms(self.ttl), self.waiter_prefix, _ms(self.heartbeat), self.wake_prefix]
        deadline = time.monotonic() + timeout
        try:
            while True:
                if self._acquire(keys=keys, args=args) == 1:
                    self.token = token
                    return True
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                # Woken by the release that makes this token the head, or polls.
                self.client.blpop([self.wake_prefix + token], timeout=max(0.01, min(self.poll, remaining)))
        except BaseException:
            with suppress(Exception):  # the first error is the one to report
                self._leave_queue(token)
            raise
        self._leave_queue(token)
        return False

    def _leave_queue(self, token: str) -> None:
        self._leave(
            keys=[self.name, self.queue],
            args=[token, self.waiter_prefix, self.wake_prefix, _ms(self.heartbeat)],
        )

    def release(self) -> None:
        """Give the lock up and wake the next waiter. ``LockNotOwnedError`` (a
        ``RedisError``) when it had expired (held over ``ttl``) or was never taken."""
        from redis.exceptions import LockNotOwnedError  # imported when used, as redis_store does

        token, self.token = self.token, None
        if token is None:
            raise LockNotOwnedError("Cannot release an unlocked lock")
        held = self._release(
            keys=[self.name, self.queue],
            args=[token, self.waiter_prefix, self.wake_prefix, _ms(self.heartbeat)],
        )
        if held != 1:
            raise LockNotOwnedError(f"Cannot release a lock that's no longer owned ({self.name})")

    def owned(self) -> bool:
        """Whether this instance holds the lock now."""
        return self.token is not None and self.client.get(self.name) == self.token.encode()
