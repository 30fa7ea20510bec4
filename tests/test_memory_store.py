"""The memory file: created when missing, refused with a way out when corrupt, locked
or written with other fingerprints; used by ``newsaudit audit --memory``; lookups go
through the band index."""

from __future__ import annotations

import json
import sqlite3

import pytest

from audit.cli import main
from audit.memory import fingerprint
from audit.memory.session import SiteMemory
from audit.memory.store import MemoryStore, MemoryStoreError
from tests import memory_articles as m


def test_a_missing_memory_is_created_with_its_folder(tmp_path):
    path = tmp_path / "deep" / "memory.sqlite"
    with MemoryStore(path) as store:
        assert store.count() == 0
    assert path.is_file()
    meta = dict(sqlite3.connect(path).execute("SELECT key, value FROM meta"))
    assert meta["num_perm"] == str(fingerprint.NUM_PERM) and meta["seed"] == str(fingerprint.SEED)


def test_a_corrupt_memory_is_refused_with_the_way_out(tmp_path):
    path = tmp_path / "memory.sqlite"
    path.write_bytes(b"this is not a database, it is a shopping list\n" * 100)
    with pytest.raises(MemoryStoreError) as caught:
        MemoryStore(path)
    message = str(caught.value)
    assert "corrupt or not a newsaudit memory" in message
    assert f"mv {path} {path}.bad" in message


def test_a_locked_memory_says_who_holds_it_and_changes_nothing(tmp_path):
    path = tmp_path / "memory.sqlite"
    MemoryStore(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(MemoryStoreError) as caught:
            MemoryStore(path, timeout=0.1)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "locked by another process" in str(caught.value) and "Nothing was changed" in str(caught.value)


def test_a_memory_written_with_other_fingerprints_is_refused(tmp_path):
    path = tmp_path / "memory.sqlite"
    MemoryStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '128' WHERE key = 'num_perm'")
    conn.commit()
    conn.close()
    with pytest.raises(MemoryStoreError, match="num_perm 128 \\(this newsaudit uses 64\\)"):
        MemoryStore(path)


def test_only_the_first_copy_of_a_line_gets_band_rows(tmp_path):
    """A template line on every page adds one row set to the index, so the candidates
    of a lookup do not grow with the number of pages carrying it."""
    pages = [
        m.article(f"{m.ID_SITE}/{i}", f"Berita {i}", [*body, m.ID_FOOTER])
        for i, body in enumerate([m.BANJIR, m.CABAI, m.MRT, m.SEKOLAH, m.MRT_FOLLOWUP])
    ]
    with SiteMemory(tmp_path / "memory.sqlite") as memory:
        for page in pages:
            memory.audit(page)
        store = memory.store
        footer = fingerprint.signature(sorted(fingerprint.shingles(m.ID_FOOTER)))
        candidates = store.paragraph_candidates(fingerprint.band_keys(footer), "https://elsewhere.example/x")
        clusters = store.conn.execute(
            "SELECT articles FROM clusters ORDER BY articles DESC LIMIT 1"
        ).fetchone()
        plan = store.conn.execute(
            "EXPLAIN QUERY PLAN SELECT paragraph FROM para_bands WHERE band IN (1, 2, 3)"
        ).fetchall()
    assert [c.url for c in candidates if fingerprint.similarity(footer, c.signature) == 1.0] == [pages[0].url]
    assert clusters == (5,)
    assert any("USING PRIMARY KEY" in row[-1] or "USING COVERING INDEX" in row[-1] for row in plan), plan


def _write_pages(tmp_path, pages):
    """Saved HTML pages, one per article, each with its canonical URL."""
    paths = []
    for page in pages:
        body = "".join(f"<p>{b.text}</p>" for b in page.blocks)
        html = (
            f'<html lang="{page.language}"><head><title>{page.title}</title>'
            f'<link rel="canonical" href="{page.url}"><meta name="author" content="Redaksi">'
            f'<meta property="article:published_time" content="2025-07-01"></head>'
            f"<body><article><h1>{page.title}</h1>{body}</article></body></html>"
        )
        path = tmp_path / (page.url.rsplit("/", 1)[-1] + ".html")
        path.write_text(html, encoding="utf-8")
        paths.append(str(path))
    return paths


def _records(capsys):
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]


def test_audit_with_memory_finds_the_paste_across_runs_and_without_it_audits_alone(tmp_path, capsys):
    files = _write_pages(tmp_path, m.id_site())
    memory = tmp_path / "out" / "memory.sqlite"
    assert main(["audit", "--json", "--memory", str(memory), *files[:3]]) == 0
    capsys.readouterr()
    assert main(["audit", "--json", "--memory", str(memory), files[3]]) == 0
    [record] = _records(capsys)
    pasted = [f for f in record["findings"] if f["rule"] == "AQ302"]
    assert len(pasted) == 1 and pasted[0]["origin_url"] == f"{m.ID_SITE}/mrt"
    assert pasted[0]["evidence"] == m.PASTE
    assert any(f["rule"] == "AQ704" and f["evidence"] == m.ID_FOOTER for f in record["findings"])
    assert main(["audit", "--json", *files]) == 0  # without --memory: each page alone
    assert not [f for r in _records(capsys) for f in r["findings"] if f["rule"] in ("AQ302", "AQ704")]


def test_audit_with_a_throwaway_memory_judges_the_listed_files_together(tmp_path, capsys):
    files = _write_pages(tmp_path, m.id_site())
    assert main(["audit", "--memory", ":memory:", *files]) == 0
    out = capsys.readouterr().out
    assert "AQ302" in out and f"from: {m.ID_SITE}/mrt" in out


def test_audit_with_a_corrupt_memory_exits_2_with_the_way_out(tmp_path, capsys):
    files = _write_pages(tmp_path, m.id_site()[:1])
    bad = tmp_path / "memory.sqlite"
    bad.write_bytes(b"\x00garbage" * 512)
    assert main(["audit", "--memory", str(bad), *files]) == 2
    err = capsys.readouterr().err
    assert "corrupt" in err and f"mv {bad} {bad}.bad" in err


def test_memory_command_stats_prune_and_rebuild(tmp_path, capsys):
    path = tmp_path / "memory.sqlite"
    pages = m.id_site()
    with SiteMemory(path) as memory:
        for page in pages[:3]:
            memory.audit(page)
    assert main(["memory", "stats", "--json", str(path)]) == 0
    numbers = json.loads(capsys.readouterr().out)
    assert numbers["articles"] == 3 and numbers["sites"] == {"kabarpesisir.example": 3}
    assert main(["memory", "rebuild", str(path)]) == 0
    assert "3 articles re-judged" in capsys.readouterr().out
    with SiteMemory(path) as memory:  # the rebuilt file judges the next page as the old one did
        assert memory.count() == 3
        [finding] = [f for f in memory.audit(pages[3]).findings if f.rule == "AQ302"]
        assert finding.origin_url == pages[2].url
    assert main(["memory", "prune", "--before", "2999-01-01", str(path)]) == 0
    assert "forgot 4 articles" in capsys.readouterr().out
    assert main(["memory", "stats", str(tmp_path / "absent.sqlite")]) == 2
    assert "no memory at" in capsys.readouterr().err


def test_forgetting_articles_leaves_exactly_the_band_rows_of_the_remaining_representatives(tmp_path):
    """Removal deletes band rows by their keys (the index is keyed by band first, so a
    delete by paragraph would scan it) and leaves no row behind nor takes one too many."""
    bodies = [m.BANJIR, m.CABAI, m.MRT, m.SEKOLAH, m.MRT_FOLLOWUP]
    pages = [
        m.article(f"{m.ID_SITE}/{i}", f"Berita {i}", [*body, m.ID_FOOTER]) for i, body in enumerate(bodies)
    ]
    with SiteMemory(tmp_path / "memory.sqlite") as memory:
        for page in pages:
            memory.audit(page)
        store = memory.store
        conn = store.conn
        statements: list[str] = []
        conn.set_trace_callback(statements.append)
        for url in (pages[0].url, pages[2].url):  # the footer's first copy and another page
            assert store.remove_article(url)
        conn.set_trace_callback(None)
        deletes = [s for s in statements if s.startswith("DELETE FROM para_bands") or "FROM body_bands" in s]
        assert deletes and all("band =" in s for s in deletes), deletes
        expected_para = {
            (k, pid)
            for pid, size, sig in conn.execute(
                "SELECT id, size, signature FROM paragraphs WHERE id = cluster"
            )
            for k in fingerprint.band_keys(fingerprint.Signature(sig, size))
        }
        expected_body = {
            (k, aid)
            for aid, size, sig in conn.execute(
                "SELECT b.article_id, b.size, b.signature FROM bodies b JOIN articles a ON a.id = b.article_id "
                "WHERE a.duplicate_of IS NULL"
            )
            for k in fingerprint.band_keys(fingerprint.Signature(sig, size))
        }
        assert set(conn.execute("SELECT band, paragraph FROM para_bands")) == expected_para
        assert set(conn.execute("SELECT band, article_id FROM body_bands")) == expected_body
        plan = conn.execute(
            "EXPLAIN QUERY PLAN DELETE FROM para_bands WHERE band = 1 AND paragraph = 2"
        ).fetchall()
        assert "SEARCH" in " ".join(str(row[-1]) for row in plan)
