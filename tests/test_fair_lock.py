"""The fair lock of the Redis site memory (``audit/memory/fair_lock.py``), against a real
``redis-server`` on 127.0.0.1: mutual exclusion between processes and threads, waiters
served in arrival order, a killed holder's lock expiring, a killed waiter not holding up
the queue, giving up leaving the queue clean, and the store's re-entrant transaction."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time

import pytest
import redis

from audit.memory.fair_lock import FairLock
from audit.memory.redis_store import RedisMemoryStore, key_prefix
from audit.memory.store import MemoryStoreError

pytestmark = pytest.mark.service

NAME = "test:fairlock"


def client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=5)


def wait_for(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def lock_keys(r: redis.Redis, name: str = NAME) -> list[bytes]:
    return sorted(r.keys(f"{name}*"))


def _increment(url: str, n: int, start, log) -> None:
    """n times: take the lock, read the counter, pause, write it back plus one (a lost
    update unless the lock excludes the others)."""
    r = client(url)
    lock = FairLock(r, NAME, ttl=10)
    start.wait()
    for _ in range(n):
        assert lock.acquire(timeout=30)
        value = int(r.get("counter") or 0)
        time.sleep(0.002)
        r.set("counter", value + 1)
        r.rpush("holders", os.getpid() if log is None else log)
        lock.release()


@pytest.mark.parametrize("workers", [2, 4])
def test_processes_exclude_each_other_and_take_turns(redis_server, workers):
    ctx = multiprocessing.get_context("fork")
    start = ctx.Barrier(workers)
    procs = [ctx.Process(target=_increment, args=(redis_server.url, 40, start, None)) for _ in range(workers)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=120)
    assert [proc.exitcode for proc in procs] == [0] * workers
    r = client(redis_server.url)
    assert int(r.get("counter")) == 40 * workers
    holders = r.lrange("holders", 0, -1)
    # Fair: while the others wait, a worker releasing the lock queues behind them, so
    # it (almost) never takes it twice in a row; redis-py's polling lock often did.
    again = sum(a == b for a, b in zip(holders, holders[1:], strict=False))
    assert again <= workers * 3, again
    assert lock_keys(r) == []  # nothing left: no lock, queue, heartbeats or wake lists


def test_threads_exclude_each_other(redis_server):
    start = threading.Barrier(3)
    threads = [threading.Thread(target=_increment, args=(redis_server.url, 30, start, i)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    r = client(redis_server.url)
    assert int(r.get("counter")) == 90
    assert lock_keys(r) == []


def test_waiters_get_the_lock_in_arrival_order(redis_server):
    r = client(redis_server.url)
    holder = FairLock(r, NAME, ttl=30)
    assert holder.acquire(timeout=1)
    order: list[int] = []

    def wait(i: int) -> None:
        lock = FairLock(client(redis_server.url), NAME, ttl=30)
        assert lock.acquire(timeout=30)
        order.append(i)
        time.sleep(0.01)
        lock.release()

    threads = []
    for i in range(5):
        threads.append(threading.Thread(target=wait, args=(i,)))
        threads[-1].start()
        wait_for(lambda n=i + 1: r.llen(f"{NAME}:queue") == n)  # queued before the next arrives
    holder.release()
    for thread in threads:
        thread.join(timeout=30)
    assert order == [0, 1, 2, 3, 4]
    assert lock_keys(r) == []


def test_a_newcomer_does_not_overtake_a_waiter(redis_server):
    """The holder releases and asks again at once: the waiter, queued first, gets it."""
    r = client(redis_server.url)
    holder = FairLock(r, NAME, ttl=30)
    assert holder.acquire(timeout=1)
    got: list[str] = []

    def wait() -> None:
        lock = FairLock(client(redis_server.url), NAME, ttl=30)
        assert lock.acquire(timeout=30)
        got.append("waiter")
        time.sleep(0.2)
        lock.release()

    thread = threading.Thread(target=wait)
    thread.start()
    wait_for(lambda: r.llen(f"{NAME}:queue") == 1)
    t0 = time.monotonic()
    holder.release()
    assert holder.acquire(timeout=30)
    got.append("holder")
    holder.release()
    thread.join(timeout=30)
    assert got == ["waiter", "holder"]
    assert time.monotonic() - t0 >= 0.2


def test_the_release_wakes_the_next_waiter_without_waiting_for_a_poll(redis_server):
    r = client(redis_server.url)
    holder = FairLock(r, NAME, ttl=30)
    assert holder.acquire(timeout=1)
    woken: list[float] = []

    def wait() -> None:
        lock = FairLock(client(redis_server.url), NAME, ttl=30, poll=5.0, heartbeat=10.0)
        assert lock.acquire(timeout=30)
        woken.append(time.monotonic())
        lock.release()

    thread = threading.Thread(target=wait)
    thread.start()
    wait_for(lambda: r.llen(f"{NAME}:queue") == 1)
    time.sleep(0.05)  # in its BLPOP
    t0 = time.monotonic()
    holder.release()
    thread.join(timeout=30)
    assert woken and woken[0] - t0 < 1.0  # its poll is 5 s: the release woke it


def _hold_forever(url: str, ttl: float, taken) -> None:
    lock = FairLock(client(url), NAME, ttl=ttl)
    assert lock.acquire(timeout=5)
    taken.set()
    time.sleep(60)


def test_a_killed_holders_lock_expires(redis_server):
    ctx = multiprocessing.get_context("fork")
    taken = ctx.Event()
    proc = ctx.Process(target=_hold_forever, args=(redis_server.url, 1.0, taken))
    proc.start()
    assert taken.wait(10)
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(timeout=10)
    lock = FairLock(client(redis_server.url), NAME, ttl=30)
    t0 = time.monotonic()
    assert lock.acquire(timeout=10)
    assert time.monotonic() - t0 < 3.0  # the 1 s TTL, then at most a poll
    lock.release()


def _wait_forever(url: str) -> None:
    lock = FairLock(client(url), NAME, ttl=30, heartbeat=0.5, poll=0.1)
    lock.acquire(timeout=60)


def test_a_killed_waiter_does_not_block_the_queue(redis_server):
    r = client(redis_server.url)
    holder = FairLock(r, NAME, ttl=30)
    assert holder.acquire(timeout=1)
    ctx = multiprocessing.get_context("fork")
    proc = ctx.Process(target=_wait_forever, args=(redis_server.url,))
    proc.start()
    wait_for(lambda: r.llen(f"{NAME}:queue") == 1)
    dead = r.lindex(f"{NAME}:queue", 0)
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(timeout=10)
    got: list[float] = []

    def wait() -> None:
        lock = FairLock(client(redis_server.url), NAME, ttl=30)
        assert lock.acquire(timeout=20)
        got.append(time.monotonic())
        lock.release()

    thread = threading.Thread(target=wait)
    thread.start()
    wait_for(lambda: r.llen(f"{NAME}:queue") == 2)  # behind the dead waiter
    t0 = time.monotonic()
    holder.release()
    thread.join(timeout=30)
    assert got and got[0] - t0 < 3.0  # the dead one's 0.5 s heartbeat, then a poll
    assert dead not in r.lrange(f"{NAME}:queue", 0, -1)
    assert lock_keys(r) == []


def test_giving_up_leaves_the_queue_clean(redis_server):
    r = client(redis_server.url)
    holder = FairLock(r, NAME, ttl=30)
    assert holder.acquire(timeout=1)
    waiter = FairLock(client(redis_server.url), NAME, ttl=30)
    t0 = time.monotonic()
    assert not waiter.acquire(timeout=0.3)
    assert 0.3 <= time.monotonic() - t0 < 2.0
    assert r.llen(f"{NAME}:queue") == 0
    assert lock_keys(r) == [NAME.encode()]  # only the holder's lock
    holder.release()
    assert lock_keys(r) == []
    with pytest.raises(redis.exceptions.LockNotOwnedError):
        holder.release()


def test_a_lock_held_past_its_ttl_cannot_be_released(redis_server):
    lock = FairLock(client(redis_server.url), NAME, ttl=0.2)
    assert lock.acquire(timeout=1)
    time.sleep(0.4)
    with pytest.raises(redis.exceptions.LockNotOwnedError):
        lock.release()


def test_store_transaction_is_reentrant_fair_and_gives_up(redis_server):
    r = client(redis_server.url)
    name = key_prefix() + "lock"
    with RedisMemoryStore(redis_server.url) as store, RedisMemoryStore(redis_server.url) as other:
        other.wait_seconds = 0.3
        with store.transaction():
            assert r.get(name) is not None
            with store.transaction(), store.transaction():  # re-entrant within the store
                pass
            assert r.get(name) is not None  # still held after the inner ones
            with (
                pytest.raises(MemoryStoreError, match=r"stayed locked by another worker for 0.3 s"),
                other.transaction(),
            ):
                pass
            assert r.llen(name + ":queue") == 0
        assert r.get(name) is None
        with pytest.raises(ValueError), store.transaction():  # released on exceptions
            raise ValueError
        assert r.get(name) is None
        with other.transaction():
            pass
        store.lock_seconds = 0.2
        with pytest.raises(MemoryStoreError, match="LockNotOwnedError"), store.transaction():
            time.sleep(0.4)  # held too long: expired, as with redis-py's lock
    assert sorted(r.keys(name + "*")) == []
