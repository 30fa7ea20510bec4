"""Re-audit a stored run with the current rules, and diff the findings per rule.

Two ways to get each article back, best first:

- **warc**: the run archived its responses (``--warc``): each article's capture is
  re-extracted and re-audited exactly as the crawl did it (the shared decoding path,
  the stored language as the hint), so only rule or config changes show up;
- **blocks**: no archive, so re-extraction is impossible: the article is rebuilt from
  the feed record's stored blocks and metadata. The record does not keep what is read
  off the HTML only (block roles, the raw ``<title>``), so rules that use them
  (AQ501's prose-only test, title stuffing) can differ from the crawl even with an
  unchanged config; the diff says which source it used.

A finding is identified by ``(rule, block, evidence)``; the diff counts, per rule,
the findings added and removed, with examples.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from audit.archives import archive_pages
from audit.batch import extract_page
from audit.config import AuditConfig
from audit.engine import audit_article
from audit.model import SCHEMA_VERSION, Article, Block, ExtractionFailure
from audit.pages import Page
from audit.report.rundir import load_run

LEGACY_WARC_NAME = "responses.warc.gz"  # what --warc wrote before each run's archive had its own name
EXAMPLES = 3

Key = tuple[str, int | None, str]


def _key(finding: dict[str, Any]) -> Key:
    return (str(finding.get("rule")), finding.get("block"), str(finding.get("evidence")))


def article_from_record(record: dict[str, Any]) -> Article:
    """An :class:`Article` rebuilt from a feed record (no roles, no raw title)."""
    blocks = tuple(
        Block(
            index=b["index"], kind=b["kind"], text=b["text"], level=b.get("level"), language=b.get("language")
        )
        for b in record.get("blocks") or []
    )
    return Article(
        url=record.get("url"),
        title=record.get("title"),
        blocks=blocks,
        language=record.get("language"),
        author=record.get("author"),
        published=record.get("published"),
        site_name=record.get("site_name"),
        description=record.get("description"),
        tags=tuple(record.get("tags") or ()),
        canonical_url=record.get("canonical_url"),
        headline=record.get("headline"),
        source=record.get("source"),
    )


def run_archive(run_dir: Path, meta: dict[str, Any]) -> Path | None:
    """The run's own WARC: the name ``run.json`` records (``<run-id>.warc.gz``), else the
    name older runs used."""
    named = (meta.get("files") or {}).get("warc")
    for name in (named, LEGACY_WARC_NAME):
        if name and Path(name).name == name and (run_dir / name).is_file():
            return run_dir / name
    return None


def _captures(warc: Path) -> dict[str, Page]:
    """The last HTML capture of each URL in the run's archive."""
    out: dict[str, Page] = {}
    for page in archive_pages(str(warc)):
        if page.url and page.failure is None:
            out[page.url] = page
    return out


def _from_capture(page: Page, record: dict[str, Any]) -> Article | str:
    """Re-extract as the crawl did: its URL, and its language as the hint."""
    got = extract_page(replace(page, url=record.get("url") or page.url), record.get("language"))
    return got.reason if isinstance(got, ExtractionFailure) else got


@dataclass
class RuleDiff:
    type: str | None = None
    added: int = 0
    removed: int = 0
    examples: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {"added": [], "removed": []})

    def note(self, change: str, url: str, finding: dict[str, Any]) -> None:
        setattr(self, change, getattr(self, change) + 1)
        self.type = self.type or finding.get("type")
        if len(self.examples[change]) < EXAMPLES:
            example = {k: finding.get(k) for k in ("block", "evidence", "message")}
            self.examples[change].append({"url": url, **example})


def _changes(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    before = Counter(_key(f) for f in old)
    after = Counter(_key(f) for f in new)
    for change, findings, other, own in (("removed", old, after, before), ("added", new, before, after)):
        extra = own - other
        for finding in findings:
            key = _key(finding)
            if extra[key] > 0:
                extra[key] -= 1
                yield change, finding


def reaudit(run_dir: str | Path, config: AuditConfig, config_path: str | None = None) -> dict[str, Any]:
    """The diff of a stored run's findings against the current rules, as a JSON document."""
    run = load_run(run_dir)
    warc = run_archive(Path(run_dir), run.meta)
    captures = _captures(warc) if warc is not None else None
    rules: dict[str, RuleDiff] = {}
    skipped: list[dict[str, str]] = []
    changed = 0
    for record in run.articles:
        url = str(record.get("url"))
        if captures is None:
            article: Article | str = article_from_record(record)
        elif url in captures:
            article = _from_capture(captures[url], record)
        else:
            article = "not_in_warc"
        if isinstance(article, str):
            skipped.append({"url": url, "reason": article})
            continue
        new = [f.to_dict() for f in audit_article(article, config).findings]
        touched = False
        for change, finding in _changes(record.get("findings") or [], new):
            rules.setdefault(str(finding.get("rule")), RuleDiff()).note(change, url, finding)
            touched = True
        changed += touched
    by_rule = {
        code: {"type": d.type, "added": d.added, "removed": d.removed, "examples": d.examples}
        for code, d in sorted(rules.items())
    }
    return {
        "schema_version": SCHEMA_VERSION,
        "run_dir": str(run_dir),
        "run_id": run.run_id,
        "source": "blocks" if captures is None else "warc",
        "config": config_path,
        "articles": len(run.articles),
        "reaudited": len(run.articles) - len(skipped),
        "changed_articles": changed,
        "skipped": skipped,
        "added": sum(d.added for d in rules.values()),
        "removed": sum(d.removed for d in rules.values()),
        "rules": by_rule,
    }


def format_diff(diff: dict[str, Any]) -> str:
    lines = [
        f"re-audited {diff['reaudited']} of {diff['articles']} articles of {diff['run_id']} "
        f"from {'the run WARC' if diff['source'] == 'warc' else 'the stored blocks'}: "
        f"{diff['added']} finding(s) added, {diff['removed']} removed, in {diff['changed_articles']} article(s)"
    ]
    for skip in diff["skipped"]:
        lines.append(f"   not re-audited ({skip['reason']}): {skip['url']}")
    for code, rule in diff["rules"].items():
        lines.append(f"{code} {rule['type']}: +{rule['added']} -{rule['removed']}")
        for change, sign in (("added", "+"), ("removed", "-")):
            for ex in rule["examples"][change]:
                evidence = (
                    ex["evidence"] if len(ex["evidence"] or "") <= 120 else ex["evidence"][:117] + "..."
                )
                lines.append(f'   {sign} {ex["url"]} (block {ex["block"]}): "{evidence}"')
    if not diff["rules"]:
        lines.append("no changes")
    return "\n".join(lines)
