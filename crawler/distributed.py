"""Distributed mode: many workers share one frontier through scrapy-redis.

``newsaudit crawl NAME --redis redis://HOST:PORT/DB`` (or the setting
``NEWSAUDIT_REDIS_URL``) swaps Scrapy's scheduler for scrapy-redis's: the request
queue and the request dupefilter live in Redis, persist across restarts
(``SCHEDULER_PERSIST``), and any number of workers on any number of machines pull
from them. Keys are scoped per site: ``newsaudit:<site>:<name>`` for the names of
:func:`keys` only (``--redis-flush`` deletes those and nothing else: the site memory
shares the Redis under ``newsaudit:memory:<layout>-<digest>:``, and a site may be named
``memory``).

On top of scrapy-redis, this module keeps the feed's accounting exact across workers:

- **One owner per URL.** A discovered article URL is *claimed* cluster-wide (``SADD``
  on ``newsaudit:<site>:seen``) before a worker records or schedules it, so a URL found
  by three workers is fetched once and has one outcome. A scheduled URL's outcome
  belongs to the worker that pops it from the shared queue; each worker's ``run.json``
  counts its own URLs and adds up, and the union of the workers' files is the crawl.
- **No URL lost to a dead worker.** A popped request is recorded in the worker's
  in-flight set until its outcome is written. Workers heartbeat; when one stops
  (stopped cleanly, its unfinished requests are pushed back at close; killed, a
  surviving or next worker finds its heartbeat expired and re-queues its in-flight
  requests). A worker killed between writing a record and clearing it may have that
  page fetched again (at least once, never zero times).
- **Idle close.** A worker closes once the shared queue is empty and no live worker
  has requests in flight for ``NEWSAUDIT_REDIS_IDLE_CLOSE`` seconds, so workers that
  start early do not quit while another is still parsing a sitemap.
- **Redis down or gone.** Checked before the crawl starts (a clear error, nothing
  fetched); lost mid-crawl, the worker logs why and stops with finish reason
  ``redis_unavailable`` (its pending URLs are recorded, the CLI exits non-zero).
"""

from __future__ import annotations

import logging
import os
import re
import socket
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

from redis.exceptions import RedisError
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.scheduler import Scheduler as RedisScheduler

from crawler.state import Ledger

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 2.0
HEARTBEAT_TTL = 10  # a worker silent this long is dead; its in-flight requests are re-queued
REASON = "redis_unavailable"

# Pop the highest-priority request *and* record it as in flight in one atomic step, so a
# worker killed between the two cannot lose it (the reliable-queue pattern).
_POP_INTO_INFLIGHT = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0)
if #r == 0 then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
redis.call('SADD', KEYS[2], r[1])
return r[1]
"""


class RedisUnavailable(RuntimeError):
    """The shared frontier cannot be reached; the message says where and why."""


def keys(site: str) -> dict[str, str]:
    base = f"newsaudit:{site}"
    return {
        "requests": f"{base}:requests",
        "dupefilter": f"{base}:dupefilter",
        "seen": f"{base}:seen",
        "workers": f"{base}:workers",
        "alive": f"{base}:alive:",  # + worker id
        "inflight": f"{base}:inflight:",  # + worker id
        "reclaim": f"{base}:reclaim:",  # + worker id
    }


def redact(url: str) -> str:
    """The Redis URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password:
        netloc = f"{parts.username or ''}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        return parts._replace(netloc=netloc).geturl()
    return url


def check_redis(url: str, timeout: float = 5.0) -> None:
    """Fail early and clearly when ``url`` is not a reachable Redis."""
    import redis

    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise RedisUnavailable(f"{url!r} is not a Redis URL (redis://HOST:PORT/DB)")
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        client.ping()
        client.close()
    except (RedisError, ValueError, OSError) as exc:
        raise RedisUnavailable(f"cannot reach Redis at {redact(url)}: {exc}") from exc


def redis_settings(url: str, site: str, idle_close: float = 5.0) -> dict[str, Any]:
    """The Scrapy settings for a worker of the shared crawl of ``site``."""
    k = keys(site)
    return {
        "SCHEDULER": "crawler.distributed.SharedScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        # A sorted set popped without blocking: a blocking pop would stall the reactor.
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_QUEUE_KEY": k["requests"],
        "SCHEDULER_DUPEFILTER_KEY": k["dupefilter"],
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_IDLE_BEFORE_CLOSE": 0,
        "REDIS_URL": url,
        "REDIS_PARAMS": {"socket_timeout": 10, "socket_connect_timeout": 5, "encoding": "utf-8"},
        "NEWSAUDIT_REDIS_IDLE_CLOSE": idle_close,
    }


#: The per-worker keys of :func:`keys` (a worker id follows the name).
PER_WORKER = ("alive", "inflight", "reclaim")


def _glob_escape(text: str) -> str:
    """``text`` matched literally by a Redis ``SCAN MATCH`` pattern."""
    return re.sub(r"([*?\[\]\\])", r"\\\1", text)


def site_keys(client: Any, site: str) -> list[bytes]:
    """The frontier keys of ``site`` that exist: only the names :func:`keys` gives.

    Not ``newsaudit:<site>:*``: other things share the crawl's Redis under ``newsaudit:``
    (the site memory, ``newsaudit:memory:<layout>-<digest>:...``), and a site may be
    named ``memory``. A frontier key's third part is one of the names of :func:`keys`,
    which no memory prefix (``<layout>-<digest>``) is."""
    k = keys(site)
    fixed = [k[name] for name in k if name not in PER_WORKER]
    doomed = [key.encode() for key in fixed if client.exists(key)]
    for name in PER_WORKER:
        doomed += client.scan_iter(match=_glob_escape(k[name]) + "*")
    return doomed


def flush_site(url: str, site: str) -> int:
    """Delete a site's shared frontier (queue, dupefilter, claims, worker records), and
    nothing else in that Redis (see :func:`site_keys`)."""
    import redis

    client = redis.Redis.from_url(url)
    doomed = site_keys(client, site)
    if doomed:
        client.delete(*doomed)
    return len(doomed)


class SharedLedger(Ledger):
    """The run's ledger, with URL ownership shared through Redis (see the module doc)."""

    def __init__(self, scheduler: SharedScheduler) -> None:
        super().__init__()
        self.scheduler = scheduler
        self._elsewhere: set[str] = set()  # claimed by another worker: known, not ours

    def knows(self, url: str) -> bool:
        return super().knows(url) or url in self._elsewhere

    def discover(self, url: str) -> bool:
        if self.knows(url):
            return False
        if not self.scheduler.claim(url):
            self._elsewhere.add(url)
            return False
        return super().discover(url)

    def hand_off(self, url: str) -> None:
        """``url`` went to the shared queue: whichever worker pops it owns its outcome."""
        if self.is_pending(url):
            del self._outcome[url]
            self._elsewhere.add(url)

    def adopt(self, url: str) -> None:
        """This worker popped ``url``: its outcome is ours now."""
        self._elsewhere.discard(url)
        if url not in self._outcome:
            self._outcome[url] = None

    def finish(self, url: str, outcome: str, reason: str | None = None) -> None:
        super().finish(url, outcome, reason)
        self.scheduler.done(url)


class SharedScheduler(RedisScheduler):
    """scrapy-redis's scheduler plus URL ownership, in-flight tracking, heartbeats and
    an idle close that waits for the other workers."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> SharedScheduler:
        url = crawler.settings.get("REDIS_URL")
        try:
            instance = super().from_crawler(crawler)
        except RedisError as exc:
            raise RedisUnavailable(f"cannot reach Redis at {redact(str(url))}: {exc}") from exc
        instance.crawler = crawler
        instance.redis_url = str(url)
        instance.idle_close = crawler.settings.getfloat("NEWSAUDIT_REDIS_IDLE_CLOSE", 5.0)
        instance.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        instance.lost_reason = None
        instance.idle_since = None
        instance.beat_call = None
        instance.taken = {}  # in-flight key -> the encoded request in the worker's in-flight set
        crawler.signals.connect(instance.on_idle, signal=signals.spider_idle)
        crawler.signals.connect(instance.on_left_downloader, signal=signals.request_left_downloader)
        return instance

    # -- lifecycle ----------------------------------------------------------------------

    def open(self, spider: Any) -> None:
        site = spider.cfg.name
        self.k = keys(site)
        if not isinstance(spider.ledger, SharedLedger):
            spider.ledger = SharedLedger(self)
        super().open(spider)
        self.inflight_key = self.k["inflight"] + self.worker
        self.pop_script = self.server.register_script(_POP_INTO_INFLIGHT)
        try:
            self.server.sadd(self.k["workers"], self.worker)
            self.beat()
        except RedisError as exc:
            raise RedisUnavailable(f"cannot reach Redis at {redact(self.redis_url)}: {exc}") from exc
        from twisted.internet import task

        self.beat_call = task.LoopingCall(self.beat)
        self.beat_call.start(HEARTBEAT_SECONDS, now=False)
        logger.info(
            "worker %s joined the shared crawl of %s at %s", self.worker, site, redact(self.redis_url)
        )

    def close(self, reason: str) -> None:
        if self.beat_call is not None and self.beat_call.running:
            self.beat_call.stop()
        if self.lost_reason is not None:
            return  # Redis is gone: the in-flight set stays for a later worker to re-queue
        try:
            # Popped but never finished (a stop signal, closespider): back to the queue, and
            # not ours any more, so this run does not also record them as unfetched.
            left = self.server.smembers(self.inflight_key)
            for data in left:
                request = self.queue._decode_request(_raw(data))
                self.queue.push(request)
                self.spider.ledger.hand_off(_key(request))
            self.server.delete(self.inflight_key, self.k["alive"] + self.worker)
            self.server.srem(self.k["workers"], self.worker)
            if left:
                logger.warning(
                    "worker %s stopped (%s): %d requests re-queued", self.worker, reason, len(left)
                )
        except RedisError as exc:
            logger.error("worker %s could not hand back its requests: %s", self.worker, exc)
        super().close(reason)

    def lost(self, exc: Exception) -> None:
        """Redis went away: log once, stop this worker with a clear reason."""
        if self.lost_reason is not None:
            return
        self.lost_reason = f"lost the shared frontier at {redact(self.redis_url)}: {exc}"
        logger.error(
            "newsaudit: %s. This worker stops; requests it had taken stay recorded in Redis and are "
            "re-queued by the next worker once Redis is back",
            self.lost_reason,
        )
        from scrapy.utils.defer import deferred_from_coro

        deferred_from_coro(self.crawler.engine.close_spider_async(reason=REASON))

    # -- the queue ------------------------------------------------------------------------

    def enqueue_request(self, request: Any) -> bool:
        if self.lost_reason is not None:
            return False
        try:  # scrapy-redis's enqueue_request, minus its deprecated stats call
            if not request.dont_filter and self.df.request_seen(request):
                self.df.log(request, self.spider)
                return False
            self.queue.push(request)
            self.crawler.stats.inc_value("scheduler/enqueued/redis")
            queued = True
        except RedisError as exc:
            self.lost(exc)
            return False
        url = request.meta.get("ledger_url")
        if queued and url:
            self.spider.ledger.hand_off(url)
        return queued

    def next_request(self) -> Any:
        if self.lost_reason is not None:
            return None
        try:
            data = self.pop_script(keys=[self.queue.key, self.inflight_key])
            request = None
            if data is not None:
                request = self.queue._decode_request(_raw(data))
                self.taken[_key(request)] = data
                self.crawler.stats.inc_value("scheduler/dequeued/redis")
        except RedisError as exc:
            self.lost(exc)
            return None
        if request is not None:
            self.idle_since = None
            url = request.meta.get("ledger_url")
            if url:
                self.spider.ledger.adopt(url)
        return request

    def has_pending_requests(self) -> bool:
        if self.lost_reason is not None:
            return False
        try:
            return super().has_pending_requests()
        except RedisError as exc:
            self.lost(exc)
            return False

    # -- ownership and in-flight requests ---------------------------------------------------

    def claim(self, url: str) -> bool:
        """True if this worker is the first in the cluster to discover ``url``."""
        if self.lost_reason is not None:
            return True  # stopping anyway; keep local accounting whole
        try:
            return bool(self.server.sadd(self.k["seen"], url))
        except RedisError as exc:
            self.lost(exc)
            return True

    def done(self, key: str) -> None:
        """The request under ``key`` has been dealt with: drop it from the in-flight set."""
        data = self.taken.pop(key, None)
        if data is None or self.lost_reason is not None:
            return
        try:
            self.server.srem(self.inflight_key, data)
        except RedisError as exc:
            self.lost(exc)

    def on_left_downloader(self, request: Any, spider: Any) -> None:
        # Articles are done when their outcome is written (SharedLedger.finish); listing
        # pages, sitemaps and feeds once downloaded (their links are queued right after).
        if not request.meta.get("ledger_url"):
            self.done(_key(request))

    def beat(self) -> None:
        """Heartbeat, and re-queue the in-flight requests of workers that died."""
        if self.lost_reason is not None:
            return
        try:
            self.server.set(self.k["alive"] + self.worker, "1", ex=HEARTBEAT_TTL)
            for raw_worker in self.server.smembers(self.k["workers"]):
                worker = _text(raw_worker)
                if worker != self.worker and not self.server.exists(self.k["alive"] + worker):
                    self.requeue_dead(worker)
        except RedisError as exc:
            self.lost(exc)

    def requeue_dead(self, worker: str) -> None:
        reclaim = self.k["reclaim"] + self.worker
        try:
            self.server.rename(self.k["inflight"] + worker, reclaim)  # atomic: one worker wins
        except RedisError:
            self.server.srem(self.k["workers"], worker)  # nothing in flight (or another took it)
            return
        entries = self.server.smembers(reclaim)
        for data in entries:
            self.queue.push(self.queue._decode_request(_raw(data)))
        self.server.delete(reclaim)
        self.server.srem(self.k["workers"], worker)
        logger.warning("worker %s is gone: %d of its requests re-queued", worker, len(entries))

    def busy_elsewhere(self) -> bool:
        """Requests queued, or in flight at a live worker (which may queue more)."""
        if len(self.queue):
            return True
        for raw_worker in self.server.smembers(self.k["workers"]):
            worker = _text(raw_worker)
            if worker != self.worker and self.server.scard(self.k["inflight"] + worker):
                return True
        return False

    def on_idle(self, spider: Any) -> None:
        if self.lost_reason is not None:
            return
        try:
            # Idle means every request this worker took has been dealt with: whatever is
            # left in its in-flight set (a request a middleware dropped) is stale.
            self.server.delete(self.inflight_key)
            self.taken.clear()
            self.beat()
            busy = self.busy_elsewhere()
        except RedisError as exc:
            self.lost(exc)
            return
        now = time.monotonic()
        if busy:
            self.idle_since = None
            raise DontCloseSpider
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.idle_close:
            raise DontCloseSpider


def _key(request: Any) -> str:
    """In-flight key: the article's ledger URL (stable across redirects and retries)."""
    return request.meta.get("ledger_url") or request.url


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _raw(value: Any) -> bytes:
    # scrapy-redis connects with decode_responses off unless configured; encoded requests
    # are pickled bytes. A str here means a decoding connection: undo it losslessly.
    return value if isinstance(value, bytes) else value.encode("latin-1")
