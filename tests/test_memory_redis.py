"""The site memory shared through Redis (distributed mode), against a real
``redis-server`` on 127.0.0.1: the same judgements as the SQLite file for the same
pages in the same order, two workers seeing each other's articles, concurrent
workers keeping exact counts, lookups that never scan, and a Redis that is down
or lost mid-crawl never failing the crawl."""

from __future__ import annotations

import json
import multiprocessing
import subprocess

import pytest
import redis

from audit.memory import fingerprint
from audit.memory.fair_lock import FairLock
from audit.memory.redis_store import RedisMemoryStore, key_prefix
from audit.memory.session import SiteMemory
from audit.memory.store import MemoryStoreError
from audit.model import Article
from audit.schema import errors
from crawler.demo.bulk import BulkServer, site_config_toml
from tests import memory_articles as m
from tests.paths import CLI, ROOT, shared_path
from tests.redis_service import free_port

pytestmark = pytest.mark.service

LANGUAGES = ("id", "ms", "th", "tl", "vi")
FOOTERS = {
    "id": m.ID_FOOTER,
    "ms": "Berita Semenanjung diterbitkan oleh Kumpulan Media Pantai Timur dari pejabatnya di Kuala Terengganu.",
    "th": "ข่าวเมืองใต้ เป็นสำนักข่าวท้องถิ่นที่รายงานข่าวภาคใต้ของประเทศไทย ทุกวัน ตั้งแต่ปี สองพันห้าร้อยห้าสิบ",
    "tl": m.TL_FOOTER,
    "vi": "Báo Tin Miền Tây được xuất bản bởi Công ty Truyền thông Cửu Long tại thành phố Cần Thơ mỗi ngày.",
}


def outcome(result):
    """Everything the memory changes in an audit result."""
    return (
        result.duplicate_of,
        result.score,
        [(f.rule, f.block, f.origin_url, f.evidence, f.message) for f in result.findings],
    )


def fixture_pages() -> list[Article]:
    """The hand-written pages of the memory tests: template lines, a paste within a site
    and one across sites, a body under three URLs, in Indonesian, English and Tagalog."""
    en = [
        m.article(f"{m.EN_OTHER_SITE}/ferry", "More ferries for the school holidays", m.FERRY, "en"),
        m.article(f"{m.EN_SITE}/durian", "Durian growers expect a bumper harvest", m.DURIAN, "en"),
        m.article(f"{m.EN_SITE}/hawker", "Hawkers move", [*m.HAWKER, m.EN_FOOTER], "en"),
        m.article(f"{m.EN_SITE}/hawker?amp=1", "Hawkers move", [*m.HAWKER, m.EN_FOOTER], "en"),
        m.article(f"{m.EN_SITE}/print/hawker", "Hawkers move", m.HAWKER, "en"),
    ]
    tl = [
        m.article(f"{m.TL_SITE}/{name}", name, [*body, m.TL_FOOTER], "tl")
        for name, body in (("palengke", m.PALENGKE), ("baha", m.BAHA), ("klase", m.KLASE))
    ]
    return [*m.id_site(), *en, *tl]


def corpus_pages() -> list[Article]:
    """Real articles of ../shared/corpus_text, four per language on one site each with
    its footer; one paragraph pasted into an article of another site, one body served twice."""
    root = shared_path("corpus_text")
    rows = [json.loads(line) for line in (root / "manifest.jsonl").open(encoding="utf-8")]
    pages: list[Article] = []
    for lang in LANGUAGES:
        chosen = sorted(
            (r for r in rows if r["language"] == lang and 4 <= r["n_paragraphs"] <= 12), key=lambda r: r["id"]
        )
        for row in chosen[:4]:
            data = json.loads((root / row["path"]).read_text(encoding="utf-8"))
            paragraphs = [*data["paragraphs"], FOOTERS[lang]]
            pages.append(
                m.article(
                    f"https://{lang}-news.example/{row['id']}",
                    data.get("title") or row["id"],
                    paragraphs,
                    lang,
                )
            )
    source, host = pages[0], pages[5]  # an Indonesian paragraph pasted into a Malay article
    host_blocks = [b.text for b in host.blocks]
    host_blocks.insert(2, source.blocks[1].text)
    pages[5] = m.article(host.url, host.title or "", host_blocks, "ms")
    copy = pages[9]
    pages.insert(
        12, m.article(copy.url + "?amp=1", copy.title or "", [b.text for b in copy.blocks], copy.language)
    )
    return pages


def judge_both(pages: list[Article], url: str) -> tuple[list, list, dict, dict]:
    """Each page against SQLite and Redis memories; then re-audits, a removal and a prune."""
    with SiteMemory() as lite, SiteMemory(url) as shared:
        assert shared.backend == "redis" and lite.backend == "sqlite"
        order = [*pages, *pages[:3]]  # re-audits: removed, then judged in their new place
        a = [outcome(lite.audit(p)) for p in order]
        b = [outcome(shared.audit(p)) for p in order]
        for memory in (lite, shared):  # forget a representative; its copies keep the cluster
            assert memory.store.remove_article(pages[4].url)
            assert not memory.store.remove_article(pages[4].url)
        a.append(outcome(lite.audit(pages[-1])))
        b.append(outcome(shared.audit(pages[-1])))
        numbers = [memory.store.stats() for memory in (lite, shared)]
        for memory in (lite, shared):
            assert memory.store.prune("1970-01-01") == 0
        for stats in numbers:
            del stats["path"], stats["bytes"], stats["oldest"]  # where, and when it ran
    return a, b, numbers[0], numbers[1]


def test_redis_judges_the_test_pages_as_sqlite_does(redis_server):
    sqlite, shared, lite_stats, redis_stats = judge_both(fixture_pages(), redis_server.url)
    assert sqlite == shared
    assert lite_stats == redis_stats and redis_stats["duplicates"] == 2
    rules = {f[0] for _, _, findings in sqlite for f in findings}
    assert {"AQ302", "AQ704"} <= rules  # the comparison covers pastes and template
    assert sum(dup is not None for dup, _, _ in sqlite) >= 2


def test_redis_judges_real_multilingual_articles_as_sqlite_does(redis_server):
    pages = corpus_pages()
    sqlite, shared, lite_stats, redis_stats = judge_both(pages, redis_server.url)
    assert sqlite == shared
    assert lite_stats == redis_stats
    assert len(redis_stats["sites"]) == len(LANGUAGES)
    assert any(f[0] == "AQ704" for _, _, findings in sqlite for f in findings)
    assert any(dup == pages[9].url for dup, _, _ in sqlite)


def test_two_workers_see_each_others_articles(redis_server):
    source = m.article(f"{m.ID_SITE}/mrt", "JICA teken pinjaman untuk jalur kereta baru", m.MRT)
    pasted = m.id_site()[3]
    assert any(m.PASTE in b.text for b in pasted.blocks)
    with SiteMemory(redis_server.url) as one, SiteMemory(redis_server.url) as two:
        assert not [f for f in one.audit(source).findings if f.rule == "AQ302"]
        [finding] = [f for f in two.audit(pasted).findings if f.rule == "AQ302"]
        assert finding.origin_url == source.url and finding.evidence == m.PASTE
        assert one.count() == two.count() == 2
        assert one.store.site_articles("kabarpesisir.example") == 2
    # Alone, worker two finds nothing: the origin came from worker one's article.
    with SiteMemory() as alone:
        assert not [f for f in alone.audit(pasted).findings if f.rule == "AQ302"]


BODIES = [m.BANJIR, m.CABAI, m.MRT, m.SEKOLAH, m.MRT_FOLLOWUP]


def _worker(url: str, worker: int, start) -> None:
    """One crawl worker's memory: 15 pages of its own, every one with the site footer."""
    with SiteMemory(url) as memory:
        start.wait(timeout=60)
        for i in range(15):
            body = BODIES[(worker + i) % len(BODIES)]
            lead = (
                f"Laporan nomor {worker * 100 + i} dari redaksi tentang kejadian di wilayah pesisir hari ini."
            )
            memory.audit(
                m.article(f"{m.ID_SITE}/w{worker}/{i}", f"Kabar {i}", [lead, *body[:2], m.ID_FOOTER])
            )


def test_concurrent_workers_keep_exact_counts_and_one_cluster_per_line(redis_server):
    """Four worker processes remember 15 pages each at the same time, every page carrying
    the site footer: the counts are exact and the footer stays one cluster, counted on
    every (non-copy) article, because each page is judged under the memory's lock."""
    ctx = multiprocessing.get_context("fork")
    start = ctx.Barrier(4)
    procs = [ctx.Process(target=_worker, args=(redis_server.url, n, start)) for n in range(4)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=240)
    assert [proc.exitcode for proc in procs] == [0, 0, 0, 0]
    with RedisMemoryStore(redis_server.url) as store:
        stats = store.stats()
        assert store.count() == stats["articles"] == 60
        assert stats["sites"] == {"kabarpesisir.example": 60 - stats["duplicates"]}
        footer = fingerprint.signature(sorted(fingerprint.shingles(m.ID_FOOTER)))
        same = [
            c for c in store.paragraph_candidates(fingerprint.band_keys(footer), "x") if c.signature == footer
        ]
        assert len(same) == 1 and same[0].cluster_articles == store.site_articles("kabarpesisir.example")


def test_a_page_is_judged_only_while_no_other_worker_holds_the_memory(redis_server):
    """The lock around recall and remember: a second worker waits for it, gives up with a
    MemoryStoreError after its wait, and a lock left by a killed worker expires."""
    page = m.id_site()[0]
    holder = RedisMemoryStore(redis_server.url)
    with SiteMemory(redis_server.url) as waiter:
        waiter.store.wait_seconds = 0.3
        with holder.transaction():
            with pytest.raises(MemoryStoreError, match="stayed locked by another worker"):
                waiter.audit(page)
            assert waiter.count() == 0  # nothing was changed
        waiter.audit(page)  # released: it goes through
        assert waiter.count() == 1
        # A worker killed inside its transaction: the lock is never released, only expires.
        holder.close()
        killed = FairLock(redis.Redis.from_url(redis_server.url), waiter.store.k("lock"), ttl=2)
        assert killed.acquire(timeout=1)
        waiter.store.wait_seconds = 0.5
        with pytest.raises(MemoryStoreError, match="stayed locked"):
            waiter.audit(m.id_site()[1])
        waiter.store.wait_seconds = 5
        waiter.audit(m.id_site()[1])
        assert waiter.count() == 2


def _commands(client) -> dict[str, int]:
    stats = client.info("commandstats")
    return {name.removeprefix("cmdstat_"): int(v["calls"]) for name, v in stats.items()}


def test_lookups_never_scan_and_cost_the_same_whatever_the_memory_holds(redis_server):
    client = redis.Redis.from_url(redis_server.url)
    probe = fingerprint.signature(sorted(fingerprint.shingles(" ".join(m.MRT))))
    para = fingerprint.signature(sorted(fingerprint.shingles(m.MRT[1])))
    costs = []
    with SiteMemory(redis_server.url) as memory:
        for size in (10, 80):
            while memory.count() < size:
                n = memory.count()
                text = [
                    f"Artikel {n} {w} tentang kota {n % 7} dan warga {n * 3} yang bekerja setiap hari di pasar."
                    for w in ("pagi", "siang", "sore")
                ]
                memory.audit(
                    m.article(f"https://site{n % 9}.example/{n}", f"Berita {n}", [*text, m.ID_FOOTER])
                )
            client.config_resetstat()
            memory.store.paragraph_candidates(fingerprint.band_keys(para), "x")
            memory.store.body_candidates(fingerprint.band_keys(probe), "x")
            memory.store.site_articles("site1.example")
            memory.store.article("https://site1.example/1")
            used = _commands(client)
            used.pop("config|resetstat", None)
            used.pop("config", None)
            costs.append(used)
    assert costs[0] == costs[1], costs  # the same commands at 10 and at 80 articles
    assert not {"scan", "keys", "sscan", "hscan", "zscan", "hgetall", "smembers"} & set(costs[1])
    assert set(costs[1]) <= {"sunion", "hget", "hmget", "info"}, costs[1]
    assert all(k.startswith(key_prefix().encode()) or k.startswith(b"newsaudit:") for k in client.keys("*"))


def test_an_unreachable_redis_is_a_memory_store_error():
    with pytest.raises(MemoryStoreError, match=r"Redis at redis://127\.0\.0\.1:\d+/0 is unavailable"):
        SiteMemory(f"redis://127.0.0.1:{free_port()}/0")
    with pytest.raises(MemoryStoreError, match=r"redis://u:\*\*\*@127\.0\.0\.1"):
        RedisMemoryStore(f"redis://u:secret@127.0.0.1:{free_port()}/0")


def test_redis_lost_between_pages_raises_memory_store_error(redis_server):
    with SiteMemory(redis_server.url) as memory:
        memory.audit(m.id_site()[0])
        redis_server.stop()
        with pytest.raises(MemoryStoreError, match="unavailable"):
            memory.audit(m.id_site()[1])


# -- crawls -------------------------------------------------------------------------------


def crawl(config, out, *extra, timeout=300):
    proc = subprocess.run(
        [str(CLI), "crawl", "--config", str(config), "--output-dir", str(out), "--no-progress", *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    [run_dir] = [p for p in out.iterdir() if p.is_dir() and p.name != "latest"]
    return run_dir, json.loads((run_dir / "run.json").read_text(encoding="utf-8"))


def test_a_distributed_crawl_shares_the_memory_in_its_redis(tmp_path, redis_server):
    with BulkServer(articles=30) as site_server:
        config = tmp_path / "bulk.toml"
        config.write_text(site_config_toml(site_server.base_url, 30))
        _, summary = crawl(config, tmp_path / "worker", "--redis", redis_server.url)
        _, again = crawl(config, tmp_path / "local", "--memory", redis_server.url, "--full")
    assert errors("run", summary) == []
    memory = summary["memory"]
    assert memory["backend"] == "redis" and memory["status"] == "used"
    assert memory["path"] == redis_server.url and memory["articles_before"] == 0
    assert memory["articles_after"] == summary["counts"]["articles"] == 30
    assert not (tmp_path / "worker" / "memory.sqlite").exists()
    # Another process on the same Redis sees every article the worker remembered.
    assert again["memory"]["articles_before"] == 30 and again["memory"]["backend"] == "redis"
    with RedisMemoryStore(redis_server.url) as store:
        assert store.count() == 30


def test_a_crawl_with_its_memory_redis_down_audits_pages_alone(tmp_path):
    with BulkServer(articles=12) as site_server:
        config = tmp_path / "bulk.toml"
        config.write_text(site_config_toml(site_server.base_url, 12))
        url = f"redis://127.0.0.1:{free_port()}/0"
        run_dir, summary = crawl(config, tmp_path / "out", "--memory", url)
    assert errors("run", summary) == []
    assert summary["finish_reason"] == "finished" and summary["counts"]["articles"] == 12
    memory = summary["memory"]
    assert memory["status"] == "unavailable" and memory["backend"] == "redis"
    assert f"Redis at {url} is unavailable" in memory["error"]
    assert len((run_dir / "articles.jsonl").read_text(encoding="utf-8").splitlines()) == 12


def test_redis_lost_mid_crawl_the_crawl_completes_page_alone(tmp_path, redis_server):
    from tests.test_distributed import articles_fetched, wait_for

    n = 120
    with BulkServer(articles=n) as site_server:
        config = tmp_path / "bulk.toml"
        config.write_text(site_config_toml(site_server.base_url, n, delay=0.05, concurrency=1))
        out = tmp_path / "out"
        proc = subprocess.Popen(
            [str(CLI), "crawl", "--config", str(config), "--output-dir", str(out), "--no-progress",
             "--memory", redis_server.url],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            wait_for(lambda: articles_fetched(site_server) >= 10, 120, "the crawl to fetch articles")
            redis_server.stop()
            stdout, stderr = proc.communicate(timeout=240)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 0, stdout + stderr
    [run_dir] = [p for p in out.iterdir() if p.is_dir() and p.name != "latest"]
    summary = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    assert summary["finish_reason"] == "finished" and summary["counts"]["articles"] == n
    assert summary["memory"]["status"] == "unavailable" and "unavailable" in summary["memory"]["error"]
    assert summary["memory"]["articles_after"] == 0  # it held nothing when the run started
    assert "site memory unavailable, pages are audited alone" in stderr


def test_memory_command_stats_and_prune_a_redis_memory(redis_server, capsys):
    from audit.cli import main

    with SiteMemory(redis_server.url) as memory:
        for page in m.id_site()[:3]:
            memory.audit(page)
    assert main(["memory", "stats", "--json", redis_server.url]) == 0
    numbers = json.loads(capsys.readouterr().out)
    assert numbers["articles"] == 3 and numbers["sites"] == {"kabarpesisir.example": 3}
    assert numbers["band_rows"] > 0 and numbers["path"].startswith(redis_server.url)
    assert main(["memory", "stats", redis_server.url]) == 0
    assert "3 articles (0 copies)" in capsys.readouterr().out
    assert main(["memory", "prune", "--before", "2999-01-01", redis_server.url]) == 0
    assert "forgot 3 articles" in capsys.readouterr().out
    with RedisMemoryStore(redis_server.url) as store:
        left = store.stats()
    assert (left["articles"], left["paragraphs"], left["clusters"], left["band_rows"]) == (0, 0, 0, 0)
    client = redis.Redis.from_url(redis_server.url)
    assert sorted(k.removeprefix(key_prefix().encode()) for k in client.keys("*")) == [
        b"meta",
        b"n",
        b"next:article",
        b"next:paragraph",
    ]  # nothing of the articles is left behind
    assert main(["memory", "rebuild", redis_server.url]) == 2
    assert "rebuild works on a memory file" in capsys.readouterr().err
