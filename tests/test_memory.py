"""Site memory: template lines (AQ704), paragraphs pasted from other articles (AQ302)
and duplicate bodies, judged against the pages seen before, in Indonesian, English and
Tagalog; each with its bad case flagged and its good case left alone."""

from __future__ import annotations

import pytest

from audit.engine import audit_article
from audit.memory.session import SiteMemory
from audit.records import audit_record
from audit.schema import errors
from tests import memory_articles as m


def audit_in_order(articles, memory=None):
    """Audit each article against the ones before it (a fresh in-memory index by default)."""
    own = memory is None
    memory = memory or SiteMemory()
    try:
        return [memory.audit(a) for a in articles]
    finally:
        if own:
            memory.close()


def by_rule(result, rule):
    return [f for f in result.findings if f.rule == rule]


def test_a_line_on_every_page_of_a_site_becomes_template_once_enough_pages_carry_it():
    results = audit_in_order(m.id_site())
    assert [len(by_rule(r, "AQ704")) for r in results] == [0, 0, 1, 1]
    third = by_rule(results[2], "AQ704")[0]
    assert (third.type, third.severity, third.block, third.evidence) == (
        "boilerplate",
        "info",
        4,
        m.ID_FOOTER,
    )
    assert "3 of the 3 articles of kabarpesisir.example" in third.message


def test_one_template_finding_per_article_even_with_several_template_blocks():
    pages = [
        m.article(f"{m.ID_SITE}/{i}", t, [m.ID_PROMO, *body, m.ID_FOOTER])
        for i, (t, body) in enumerate([("Banjir", m.BANJIR), ("Cabai", m.CABAI), ("Kereta", m.MRT)])
    ]
    last = audit_in_order(pages)[-1]
    [finding] = by_rule(last, "AQ704")
    assert finding.evidence == m.ID_PROMO and "1 more template block" in finding.message


def test_a_line_on_too_small_a_share_of_the_site_is_not_template():
    """Three of twelve articles (25%) under the 30% share: not template, whatever the count."""
    bodies = [m.BANJIR, m.CABAI, m.MRT, m.FERRY, m.HAWKER, m.PALENGKE, m.BAHA, m.KLASE, m.DURIAN]
    plain = [m.article(f"{m.ID_SITE}/plain-{i}", f"Berita {i}", body) for i, body in enumerate(bodies)]
    footed = [
        m.article(f"{m.ID_SITE}/foot-{i}", f"Kabar {i}", [*body, m.ID_FOOTER])
        for i, body in enumerate([m.SEKOLAH, m.MRT_FOLLOWUP, m.DURIAN[:2]])
    ]
    results = audit_in_order([*plain, *footed])
    assert not any(by_rule(r, "AQ704") for r in results)


def test_template_blocks_are_left_out_of_the_statistics_rule():
    pages = [
        m.article(f"{m.ID_SITE}/{i}", t, [*body, m.ID_PROMO])
        for i, (t, body) in enumerate([("Banjir", m.BANJIR), ("Cabai", m.CABAI), ("Kereta", m.MRT)])
    ]
    alone = audit_article(pages[2])
    assert any(
        f.type == "unsourced_statistic" and f.evidence.startswith("Dapatkan potongan") for f in alone.findings
    )
    judged = audit_in_order(pages)[2]
    assert not any(f.type == "unsourced_statistic" and f.block == 4 for f in judged.findings)
    assert by_rule(judged, "AQ704")[0].evidence == m.ID_PROMO


def test_a_paragraph_pasted_from_another_article_and_cut_mid_sentence_names_its_source():
    results = audit_in_order(m.id_site())
    pasted = [f for f in results[3].findings if f.type == "off_topic_paragraph"]
    assert len(pasted) == 1
    finding = pasted[0]
    assert (finding.rule, finding.block, finding.evidence) == ("AQ302", 2, m.PASTE)
    assert finding.origin_url == f"{m.ID_SITE}/mrt"
    assert f"{m.ID_SITE}/mrt" in finding.message and "stops mid-sentence" in finding.message
    record = audit_record(results[3], source="sekolah")
    assert errors("audit-report", record) == []
    assert errors("finding", record["findings"][0]) == []
    # The source article itself is left alone: it was seen first, and its paragraph is its own.
    assert not [f for f in results[2].findings if f.type == "off_topic_paragraph"]


def test_the_source_is_not_flagged_when_the_paste_was_seen_first():
    """Seen in the other order, the source's paragraph matches the paste, but the paste
    does not fit the article it sits in, so it is no article's body: nothing is flagged."""
    pages = m.id_site()
    results = audit_in_order([pages[3], pages[2]])
    assert not [f for f in results[1].findings if f.rule == "AQ302"]


def test_a_paragraph_shared_by_two_articles_on_the_same_story_is_left_alone():
    pages = [
        m.article(f"{m.ID_SITE}/mrt", "JICA teken pinjaman untuk jalur kereta baru", m.MRT),
        m.article(f"{m.ID_SITE}/lahan", "Pembebasan lahan depo kereta dimulai", m.MRT_FOLLOWUP),
    ]
    results = audit_in_order(pages)
    assert not by_rule(results[1], "AQ302")


def test_a_paragraph_pasted_across_sites_into_an_unrelated_story_is_flagged_in_english():
    pages = [
        m.article(f"{m.EN_OTHER_SITE}/ferry", "More ferries for the school holidays", m.FERRY, "en"),
        m.article(f"{m.EN_SITE}/durian", "Durian growers expect a bumper harvest", m.DURIAN, "en"),
    ]
    results = audit_in_order(pages)
    [finding] = by_rule(results[1], "AQ302")
    assert finding.evidence == m.FERRY_PASTE and finding.block == 2
    assert finding.origin_url == f"{m.EN_OTHER_SITE}/ferry"
    assert "word overlap with the rest of this article" in finding.message


def test_unrelated_articles_give_no_site_findings():
    pages = [
        m.article(f"{m.EN_SITE}/ferry", "More ferries", m.FERRY, "en"),
        m.article(f"{m.EN_SITE}/hawker", "Hawkers move", m.HAWKER, "en"),
        m.article(f"{m.ID_SITE}/banjir", "Banjir", m.BANJIR),
        m.article(f"{m.ID_SITE}/cabai", "Cabai", m.CABAI),
    ]
    for result in audit_in_order(pages):
        assert not [f for f in result.findings if f.rule in ("AQ302", "AQ704")]
        assert result.duplicate_of is None


def test_tagalog_template_line():
    pages = [
        m.article(f"{m.TL_SITE}/{name}", name, [*body, m.TL_FOOTER], "tl")
        for name, body in (("palengke", m.PALENGKE), ("baha", m.BAHA), ("klase", m.KLASE))
    ]
    results = audit_in_order(pages)
    assert [[f.evidence for f in by_rule(r, "AQ704")] for r in results] == [[], [], [m.TL_FOOTER]]


def test_a_body_seen_under_another_url_is_a_duplicate_of_the_earliest_copy():
    first = m.article(f"{m.EN_SITE}/hawker", "Hawkers move", [*m.HAWKER, m.EN_FOOTER], "en")
    amp = m.article(f"{m.EN_SITE}/hawker?amp=1", "Hawkers move", [*m.HAWKER, m.EN_FOOTER], "en")
    again = m.article(f"{m.EN_SITE}/print/hawker", "Hawkers move", m.HAWKER[:3] + [m.HAWKER[3]], "en")
    other = m.article(f"{m.EN_SITE}/ferry", "More ferries", [*m.FERRY, m.EN_FOOTER], "en")
    results = audit_in_order([first, amp, again, other])
    assert [r.duplicate_of for r in results] == [None, first.url, first.url, None]
    record = audit_record(results[1], source="amp")
    assert record["duplicate_of"] == first.url and errors("audit-report", record) == []
    assert "duplicate_of" not in audit_record(results[3], source="ferry")


def test_alone_the_site_rules_find_nothing_and_the_audit_is_unchanged():
    for page in m.id_site():
        alone = audit_article(page)
        assert not [f for f in alone.findings if f.rule in ("AQ302", "AQ704")]
    first = m.id_site()[0]
    with SiteMemory() as memory:
        assert memory.audit(first) == audit_article(first)  # nothing remembered yet: the same audit


def _records(results):
    return [audit_record(r, source=r.article.url) for r in results]


def test_same_pages_in_the_same_order_give_the_same_results(tmp_path):
    pages = [*m.id_site(), m.article(f"{m.EN_OTHER_SITE}/ferry", "Ferries", m.FERRY, "en")]
    pages.append(m.article(f"{m.EN_SITE}/durian", "Durian", m.DURIAN, "en"))
    first = _records(audit_in_order(pages))
    second = _records(audit_in_order(pages))
    with SiteMemory(tmp_path / "memory.sqlite") as memory:
        on_disk = _records(audit_in_order(pages, memory))
    assert first == second == on_disk


def test_the_memory_persists_between_runs(tmp_path):
    path = tmp_path / "memory.sqlite"
    pages = m.id_site()
    with SiteMemory(path) as memory:
        audit_in_order(pages[:3], memory)
    with SiteMemory(path) as memory:
        assert memory.articles_before == 3
        [finding] = by_rule(memory.audit(pages[3]), "AQ302")
    assert finding.origin_url == pages[2].url


def test_auditing_a_remembered_url_again_replaces_it():
    pages = m.id_site()
    with SiteMemory() as memory:
        audit_in_order(pages, memory)
        again = memory.audit(pages[3])
        assert memory.count() == 4
        assert by_rule(again, "AQ302")[0].origin_url == pages[2].url
        stats = memory.store.stats()
    assert stats["sites"] == {"kabarpesisir.example": 4}


@pytest.mark.parametrize("drop", [0, 1])
def test_forgetting_an_article_keeps_its_copies_findable(drop):
    """The first copy of a line holds the band rows; when it is forgotten the next copy takes them."""
    pages = m.id_site()
    with SiteMemory() as memory:
        audit_in_order(pages[:3], memory)
        assert memory.store.remove_article(pages[drop].url)
        result = memory.audit(pages[3])
        stats = memory.store.stats()
    assert [f.evidence for f in by_rule(result, "AQ704")] == [m.ID_FOOTER]  # 3 of 3 still carry it
    assert stats["articles"] == 3
