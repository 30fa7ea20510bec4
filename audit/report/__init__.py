"""The self-contained HTML run report (``output/<run-id>/report.html``).

Every style and script is inlined and a Content-Security-Policy meta tag allows
only that one script (by hash) and no network at all, so the report works from
``file://`` and article text can never load or run anything. Article text goes
through Jinja2 autoescaping; data for the table script travels as a JSON island
with ``<``, ``>`` and ``&`` escaped.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import sqlite3
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from audit.report.rundir import RunData, load_run, table_row, text_priority
from audit.report.view import article_view, safe_href, summary

__all__ = ["build_report", "render_report", "json_island", "template_env"]

logger = logging.getLogger(__name__)

REPORT_NAME = "report.html"
#: Full text is embedded for at most this many articles (flagged and lowest-scoring
#: first), so a 20,000-page crawl still gives a report a browser opens quickly; every
#: article keeps its table row, and articles.jsonl has all the text.
MAX_TEXT_ARTICLES = 2000
#: Failures per page of the failures table: the first page is in the HTML, the script
#: pages through the rest (all of them travel in the JSON island), so a run with 10,000
#: failures keeps one page of rows in the document.
FAILURE_PAGE = 100


def _asset(name: str) -> str:
    return resources.files("audit.report").joinpath(name).read_text(encoding="utf-8")


@cache
def template_env() -> jinja2.Environment:
    """Jinja environment with autoescaping forced on for every template."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("audit.report", "."),
        autoescape=True,
        undefined=jinja2.ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def json_island(data: Any) -> Markup:
    """JSON safe to place inside ``<script type="application/json">``: no ``</script>``,
    ``<!--`` or entity can end or confuse the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


def _chart(histogram: list[tuple[str, int]]) -> dict[str, Any]:
    width, height, base = 340, 170, 150
    slot = width / len(histogram)
    peak = max((n for _, n in histogram), default=0) or 1
    bars = []
    for i, (label, count) in enumerate(histogram):
        h = round((base - 16) * count / peak, 1)
        bars.append(
            {
                "label": label,
                "short": label.split("–")[0],
                "count": count,
                "x": round(i * slot + 2, 1),
                "w": round(slot - 4, 1),
                "y": round(base - h, 1),
                "h": h,
            }
        )
    return {"width": width, "height": height, "base": base, "bars": bars}


def render_report(
    run: RunData, max_text_articles: int = MAX_TEXT_ARTICLES, review_db: Path | None = None
) -> str:
    """Render a loaded run as one HTML document."""
    return "".join(_render_chunks(run, max_text_articles, review_db))


def _decisions(articles: list[Any], review_db: Path | None) -> tuple[dict[int, Any], dict[str, Any] | None]:
    """Editors' decisions from the review store, by ``id()`` of each finding shown, and
    what the report says about the store (``None`` when it was not asked for)."""
    if review_db is None:
        return {}, None
    from audit.review.keys import finding_keys
    from audit.review.store import read_decisions

    keyed = [
        (f, k)
        for a in articles
        for f, k in zip(a.record.get("findings") or [], finding_keys(a.record), strict=True)
    ]
    try:
        found = read_decisions(review_db, [k for _, k in keyed])
    except (sqlite3.Error, OSError) as exc:
        logger.warning("review decisions not shown: cannot read %s: %s", review_db, exc)
        return {}, {"path": str(review_db), "error": str(exc)}
    by_finding = {id(f): found[k] for f, k in keyed if k in found}
    counts = Counter(d.decision for d in by_finding.values())
    return by_finding, {"path": str(review_db), "exists": Path(review_db).is_file(), "counts": counts}


def _render_chunks(run: RunData, max_text_articles: int, review_db: Path | None = None) -> Iterator[str]:
    """The report as a stream of text chunks, so a huge run is never one big string."""
    numbered = list(enumerate(run.articles, start=1))
    chosen = sorted(numbered, key=lambda item: text_priority(item[1], item[0]))[: max(0, max_text_articles)]
    with_text = {number for number, _ in chosen}
    articles = [article_view(n, record if n in with_text else table_row(record)) for n, record in numbered]
    decided, review = _decisions([a for a in articles if a.number in with_text], review_db)
    s = summary(run)
    failures = [
        {"record": f, "url": str(f.get("url") or ""), "href": safe_href(f.get("url"))} for f in run.failures
    ]
    js = _asset("report.js")
    script_hash = "sha256-" + base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode()
    data = {
        "run_id": run.run_id,
        "articles": [
            {
                "number": a.number,
                "title": a.title,
                "site": str(a.record.get("site") or ""),
                "language": str(a.record.get("language") or ""),
                "score": a.record.get("score") if isinstance(a.record.get("score"), int) else None,
                "nfindings": len(a.findings),
                "types": a.types,
                "rules": sorted({str(f.get("rule")) for f in a.findings if f.get("rule")}),
                "severities": sorted({str(f.get("severity")) for f in a.findings if f.get("severity")}),
                "text": a.number in with_text,
            }
            for a in articles
        ],
        # one compact row per failure; the script shows a page of them at a time
        "failures": [
            [
                f["url"],
                1 if f["href"] else 0,
                str(f["record"].get("stage") or "—"),
                str(f["record"].get("reason") or "unknown"),
                str(f["record"].get("detail") or ""),
                "" if f["record"].get("http_status") is None else str(f["record"].get("http_status")),
                str(f["record"].get("at") or ""),
            ]
            for f in failures
        ],
        "failure_page": FAILURE_PAGE,
    }
    options = {
        "sites": sorted({d["site"] for d in data["articles"]} - {""}),
        "languages": sorted({d["language"] for d in data["articles"]} - {""}),
        "types": sorted({t for a in articles for t in a.types}),
        "rules": sorted({r for d in data["articles"] for r in d["rules"]}),
        "severities": sorted({v for d in data["articles"] for v in d["severities"]}),
    }
    rejects = [_reject_view(r) for r in run.rejects]
    return (
        template_env()
        .get_template("report.html")
        .generate(
            run=run,
            s=s,
            chart=_chart(s["histogram"]),
            articles=articles,
            with_text=with_text,
            failures=failures[:FAILURE_PAGE],
            failure_page=FAILURE_PAGE,
            rejects=rejects,
            options=options,
            css=Markup(_asset("report.css")),
            js=Markup(js),
            script_hash=script_hash,
            data_json=json_island(data),
            generated_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            decision_of=lambda finding: decided.get(id(finding)),
            review=review,
        )
    )


def _reject_view(reject: dict[str, Any]) -> dict[str, Any]:
    record = reject.get("record") if isinstance(reject.get("record"), dict) else reject
    errors = reject.get("errors") or reject.get("error") or []
    if not isinstance(errors, list):
        errors = [errors]
    return {"url": str(record.get("url") or ""), "errors": [str(e) for e in errors]}


def build_report(
    run_dir: Path, max_text_articles: int = MAX_TEXT_ARTICLES, review_db: Path | None = None
) -> Path:
    """Write ``report.html`` into ``run_dir`` and return its path.

    With ``review_db`` (the review server's store), each finding shows the editors'
    decision on it, if any. Written to a temporary file and renamed, so a reader never
    sees half a report.
    """
    run_dir = Path(run_dir)
    run = load_run(run_dir, keep_text=max(0, max_text_articles))
    target = run_dir / REPORT_NAME
    tmp = target.with_suffix(".html.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for chunk in _render_chunks(run, max_text_articles, review_db):
            handle.write(chunk)
    tmp.replace(target)
    return target
