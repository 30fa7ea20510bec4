"""Judge an article against the site memory, then remember it.

Split in two so a crawl's pool can help: :func:`fingerprint_article` is pure CPU
(shingles, signatures, band keys, and whether each paragraph fits its own article)
and runs in a worker; :func:`recall` and :func:`remember` read and write the store
and run in the main process, in the order pages are concluded, so a pooled crawl
and an inline one see the same memory at each page.

Signals, all general (no phrase lists):

- **template**: a paragraph whose near-copies are on at least ``template_min_articles``
  and ``template_min_share`` of the site's articles seen so far (this one included);
- **paste**: a paragraph contained (``near_copy`` of its shingles) in a paragraph of
  another article that *fits* that article (its cohesion with the rest of its own
  article is ordinary, so it is that article's body, not a paste or a footer there),
  that is not template on its own site, and that, on the same site, does not sit at
  the same edge place as this one (the same block from the start or the end, within
  :data:`EDGE`): a line in the same place at the top or bottom of two pages is the
  site's furniture, not yet on enough pages to count as template;
- **duplicate body**: the whole body nearly equals (Jaccard
  ``body_similarity``) the body of an earlier article under another URL.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from audit.cohesion import ArticleCohesion
from audit.config import AuditConfig
from audit.memory import fingerprint
from audit.memory.fingerprint import Signature
from audit.memory.store import Candidate, MemoryStore, StoredParagraph

if TYPE_CHECKING:
    from audit.memory.backend import Store
from audit.model import Article, Origin, SiteContext
from audit.text import words

FAMILY = "memory"
#: Block kinds remembered: running text. Headings are too short to tell a copy from a cliché.
KINDS = ("paragraph", "quote", "list_item")


@dataclass(frozen=True)
class MemoryThresholds:
    """``[thresholds.memory]`` in defaults.toml."""

    min_words: int = 6
    near_copy: float = 0.8
    body_similarity: float = 0.8
    fits_min_relative: float = 0.4
    template_min_articles: int = 3
    template_min_share: float = 0.3

    @classmethod
    def from_config(cls, config: AuditConfig) -> MemoryThresholds:
        t = config.thresholds.get(FAMILY, {})
        base = cls()
        return cls(**{k: type(getattr(base, k))(t[k]) for k in base.__dataclass_fields__ if k in t})

    def is_template(self, articles: int, site_articles: int) -> bool:
        return articles >= self.template_min_articles and articles >= self.template_min_share * site_articles


@dataclass(frozen=True)
class ParagraphPrint:
    block: int
    tail: int  # blocks after it: a site's template sits at a fixed distance from an end
    signature: Signature
    keys: tuple[int, ...]
    fits: bool


@dataclass(frozen=True)
class ArticlePrints:
    """Everything the memory needs from an article (picklable, small)."""

    url: str
    site: str
    body_hash: str
    published: str | None
    paragraphs: tuple[ParagraphPrint, ...]
    shingles: tuple[frozenset[bytes], ...]  # per paragraph, for the body signature
    body: Signature | None = None  # given instead of shingles when replaying a memory (rebuild)


@dataclass(frozen=True)
class Plan:
    """What :func:`recall` decided, for :func:`remember` to store."""

    clusters: tuple[int | None, ...]  # per paragraph: the same-site cluster it joins
    body: Signature | None
    duplicate_of: int | None  # article id


def site_of(url: str) -> str:
    """The host, lowercased, without ``www.``; a path without a host is a local file,
    and its folder stands for the site."""
    parts = urlsplit(url)
    if parts.netloc:
        host = parts.hostname or parts.netloc
        return host.lower().removeprefix("www.")
    folder = url.replace("\\", "/").rsplit("/", 1)[0] if "/" in url else "."
    return f"file:{folder}"


def article_key(article: Article) -> str | None:
    """The URL the memory files an article under (its source path when it has none)."""
    return article.url or article.canonical_url or article.source


def body_hash(article: Article) -> str:
    digest = hashlib.sha256()
    for block in article.blocks:
        digest.update(block.text.encode("utf-8", "surrogatepass") + b"\x00")
    return digest.hexdigest()


def fingerprint_article(article: Article, config: AuditConfig) -> ArticlePrints | None:
    """Pure: signatures of the article's paragraphs of ``min_words`` or more words, and
    whether each fits the article (cohesion relative to the article's median)."""
    key = article_key(article)
    if not key:
        return None
    limits = MemoryThresholds.from_config(config)
    blocks = [b for b in article.blocks if b.kind in KINDS and len(words(b.text)) >= limits.min_words]
    sets = [frozenset(fingerprint.shingles(b.text)) for b in blocks]
    fits = [True] * len(blocks)
    if len(blocks) >= 3:
        cohesion = ArticleCohesion(
            [b.text for b in blocks], article.headline or article.title or "", article.language
        )
        fits = [cohesion.relative(i) >= limits.fits_min_relative for i in range(len(blocks))]
    prints = []
    for block, items, fit in zip(blocks, sets, fits, strict=True):
        sig = fingerprint.signature(sorted(items))
        tail = len(article.blocks) - 1 - article.blocks.index(block)
        prints.append(ParagraphPrint(block.index, tail, sig, tuple(fingerprint.band_keys(sig)), fit))
    return ArticlePrints(key, site_of(key), body_hash(article), article.published, tuple(prints), tuple(sets))


def _same(a: Signature, b: Signature, near_copy: float) -> tuple[bool, float]:
    """Near-copies either way (one contains the other), and ``a``'s containment in ``b``."""
    j = fingerprint.similarity(a, b)
    inside = fingerprint.containment(a, b, j)
    return inside >= near_copy or fingerprint.containment(b, a, j) >= near_copy, inside


#: Template sits at the edges of a body: within this many blocks of the start or the end.
EDGE = 2


def _same_place(cand: Candidate, para: ParagraphPrint) -> bool:
    """Both at the same distance (under :data:`EDGE`) from the body's start or end."""
    return (cand.block == para.block < EDGE) or (cand.tail == para.tail < EDGE)


def recall(store: Store, prints: ArticlePrints, config: AuditConfig) -> tuple[SiteContext, Plan]:
    """Judge the article against what the memory holds (read only; the memory must
    not hold this URL already, :func:`judge` sees to that).

    The body comes first: a copy of a remembered body is that article again, so it
    is not counted twice towards the site's template lines, and its paragraphs are
    not pastes from its own original."""
    limits = MemoryThresholds.from_config(config)
    body, duplicate_of, duplicate_url = _body(store, prints, limits)
    counted = 0 if duplicate_of is not None else 1  # this article, in the counts it joins
    site_articles = store.site_articles(prints.site) + counted
    template: dict[int, int] = {}
    pastes: dict[int, Origin] = {}
    clusters: list[int | None] = []
    for para in prints.paragraphs:
        cluster: Candidate | None = None
        origin: tuple[Candidate, float] | None = None
        for cand in store.paragraph_candidates(para.keys, prints.url):
            near, inside = _same(para.signature, cand.signature, limits.near_copy)
            if not near:
                continue
            if cand.site == prints.site and cluster is None:
                cluster = cand
            own_template = limits.is_template(cand.cluster_articles, cand.site_articles)
            # A line at the same place on two pages of one site is the site's (a
            # footer not yet on enough pages to count as template), not a paste.
            in_place = cand.site == prints.site and _same_place(cand, para)
            if inside >= limits.near_copy and cand.fits and not (own_template or in_place) and origin is None:
                origin = (cand, inside)  # candidates come in id order: the earliest wins
        clusters.append(cluster.cluster if cluster else None)
        if cluster is not None and limits.is_template(cluster.cluster_articles + counted, site_articles):
            template[para.block] = cluster.cluster_articles + counted
        elif origin is not None and duplicate_of is None:
            pastes[para.block] = Origin(origin[0].url, round(origin[1], 3))
    context = SiteContext(
        site=prints.site,
        site_articles=site_articles,
        template=template,
        pastes=pastes,
        duplicate_of=duplicate_url,
    )
    return context, Plan(tuple(clusters), body, duplicate_of)


def _body(
    store: Store, prints: ArticlePrints, limits: MemoryThresholds
) -> tuple[Signature | None, int | None, str | None]:
    """The body's signature (every remembered paragraph: template lines are a small
    share of a body), and the earliest remembered body it nearly equals."""
    if prints.body is not None:
        body = prints.body
    else:
        items = set().union(*prints.shingles)
        if len(items) < 2 * fingerprint.SHINGLE:
            return None, None, None
        body = fingerprint.signature(sorted(items))
    for cand in store.body_candidates(fingerprint.band_keys(body), prints.url):
        if fingerprint.similarity(body, cand.signature) >= limits.body_similarity:
            return body, cand.article, cand.url
    return body, None, None


def remember(store: Store, prints: ArticlePrints, plan: Plan) -> None:
    """Store the article as :func:`recall` judged it (replacing an older version)."""
    store.add_article(
        url=prints.url,
        site=prints.site,
        body_hash=prints.body_hash,
        published=prints.published,
        paragraphs=[
            StoredParagraph(p.block, p.tail, p.signature, p.fits, cluster)
            for p, cluster in zip(prints.paragraphs, plan.clusters, strict=True)
        ],
        body=plan.body,
        duplicate_of=plan.duplicate_of,
    )


def judge(store: Store, prints: ArticlePrints | None, config: AuditConfig) -> SiteContext | None:
    """Recall, then remember: the article is judged against the pages before it and
    becomes part of what the next page is judged against."""
    if prints is None:
        return None
    # One page at a time: with workers sharing a memory (Redis), none judges a page
    # while another is between its recall and its remember.
    with store.transaction():
        known = store.article(prints.url)
        if known is not None:
            # Seen before (a re-audit, a changed page): judged against everything else,
            # as a new page would be, and stored again in its new place in the order.
            store.remove_article(prints.url)
        context, plan = recall(store, prints, config)
        remember(store, prints, plan)
    return context


def replay(source: MemoryStore, target: MemoryStore, config: AuditConfig) -> int:
    """Re-judge every remembered article, in the order it was first remembered, into
    ``target`` from the stored signatures (no page is needed): the clusters, counts
    and copies then follow the current thresholds, and the file is compacted."""
    conn = source.conn
    rows = conn.execute(
        "SELECT id, url, site, seen_at, published, body_hash FROM articles ORDER BY id"
    ).fetchall()
    for article_id, url, site, seen_at, published, digest in rows:
        paras = conn.execute(
            "SELECT block, tail, fits, size, signature FROM paragraphs WHERE article_id = ? ORDER BY id",
            (article_id,),
        ).fetchall()
        body_row = conn.execute(
            "SELECT size, signature FROM bodies WHERE article_id = ?", (article_id,)
        ).fetchone()
        prints = ArticlePrints(
            url=url,
            site=site,
            body_hash=digest,
            published=published,
            paragraphs=tuple(
                ParagraphPrint(b, t, sig, tuple(fingerprint.band_keys(sig)), bool(f))
                for b, t, f, n, raw in paras
                for sig in [Signature(raw, n)]
            ),
            shingles=tuple(frozenset() for _ in paras),
            body=Signature(body_row[1], body_row[0]) if body_row else None,
        )
        _, plan = recall(target, prints, config)
        if prints.body is None:
            plan = Plan(plan.clusters, None, None)
        target.add_article(
            url=url,
            site=site,
            body_hash=digest,
            published=published,
            seen_at=seen_at,
            paragraphs=[
                StoredParagraph(p.block, p.tail, p.signature, p.fits, c)
                for p, c in zip(prints.paragraphs, plan.clusters, strict=True)
            ],
            body=plan.body,
            duplicate_of=plan.duplicate_of,
        )
    return len(rows)
