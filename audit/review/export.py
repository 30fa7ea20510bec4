"""``newsaudit export-labels [--db PATH] [-o FILE]``: editors' decisions as a gold set.

Writes DESIGN.md §3 label lines: each reviewed article becomes one line whose
``defects`` are its confirmed findings and whose ``negatives`` are its dismissed
ones (a dismissed finding is a control that must not be flagged again).

``newsaudit eval`` re-audits the page each label points to. The review keeps the
extracted article, not the raw HTML, so the export writes each article's text as
a plain page (``pages/<key>.html`` beside the labels file): headline as ``h1``,
headings at their level, paragraphs, lists and quotes in order, with its language,
author and date as metadata. Re-auditing it therefore measures the rules on the
text the editors judged, independent of later changes to the live page.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from markupsafe import escape

from audit.review.keys import normalise_evidence
from audit.review.store import DEFAULT_DB, Decision, DecisionStore

DEFAULT_OUT = Path("output/review-labels/labels.jsonl")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help=f"decision store (default {DEFAULT_DB})")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=DEFAULT_OUT,
        help=f"labels file; pages go beside it (default {DEFAULT_OUT})",
    )


def _meta(name: str, value: Any, attr: str = "name") -> str:
    if not value:
        return ""
    return f'<meta {attr}="{name}" content="{escape(str(value))}">\n'


def article_page(record: dict[str, Any]) -> str:
    """The article's extracted text as a small, well-formed HTML page."""
    headline = str(record.get("headline") or record.get("title") or "")
    title = str(record.get("title") or headline)
    language = str(record.get("language") or "")
    body: list[str] = []
    blocks = [b for b in record.get("blocks") or [] if isinstance(b, dict)]
    first = blocks[0] if blocks else None
    if headline and not (first and first.get("kind") == "heading" and first.get("text") == headline):
        body.append(f"<h1>{escape(headline)}</h1>")
    in_list = False
    for block in blocks:
        kind, text = block.get("kind"), escape(str(block.get("text") or ""))
        if kind == "list_item":
            if not in_list:
                body.append("<ul>")
                in_list = True
            body.append(f"<li>{text}</li>")
            continue
        if in_list:
            body.append("</ul>")
            in_list = False
        if kind == "heading":
            level = block.get("level") if isinstance(block.get("level"), int) else 2
            level = min(max(level, 1), 6)
            body.append(f"<h{level}>{text}</h{level}>")
        elif kind == "quote":
            body.append(f"<blockquote><p>{text}</p></blockquote>")
        else:
            body.append(f"<p>{text}</p>")
    if in_list:
        body.append("</ul>")
    head = (
        '<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n"
        + _meta("author", record.get("author"))
        + _meta("article:published_time", record.get("published"), attr="property")
        + (f'<link rel="canonical" href="{escape(str(record["url"]))}">\n' if record.get("url") else "")
    )
    lang = f' lang="{escape(language)}"' if language else ""
    return (
        f"<!DOCTYPE html>\n<html{lang}>\n<head>\n{head}</head>\n<body>\n<article>\n"
        + "\n".join(body)
        + ("\n</article>\n</body>\n</html>\n")
    )


def label_line(record: dict[str, Any], decisions: list[Decision], page: str) -> tuple[dict[str, Any], int]:
    """The label for one article, and how many dismissals were dropped as conflicts.

    A dismissal whose type and text equal a confirmed finding's (the same heading
    repeated twice, one copy confirmed) cannot be a negative: the page must be
    flagged for that text. The confirmation wins.
    """
    defects = [{"type": d.type, "text": d.evidence} for d in decisions if d.decision == "confirmed"]
    confirmed = {(d["type"], normalise_evidence(d["text"])) for d in defects}
    negatives = []
    conflicts = 0
    for d in decisions:
        if d.decision != "dismissed":
            continue
        if (d.type, normalise_evidence(d.evidence)) in confirmed:
            conflicts += 1
            continue
        negatives.append({"type": d.type, "text": d.evidence})
    line = {
        "page": page,
        "url": record.get("url"),
        "language": record.get("language"),
        "defects": defects,
        "negatives": negatives,
    }
    return line, conflicts


def export_labels(db_path: Path, out: Path) -> dict[str, int]:
    """Write the labels file and its pages; return counts."""
    if not Path(db_path).is_file():
        raise FileNotFoundError(f"no decision store at {db_path}")
    store = DecisionStore(db_path)
    pages_dir = out.parent / "pages"
    pages_dir.mkdir(parents=True, exist_ok=True)
    counts = {"articles": 0, "defects": 0, "negatives": 0, "conflicts": 0}
    tmp = out.with_suffix(out.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for record, decisions in store.reviewed_articles():
            name = f"{decisions[0].article_key[:16]}.html"
            (pages_dir / name).write_text(article_page(record), encoding="utf-8")
            line, conflicts = label_line(record, decisions, f"pages/{name}")
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
            counts["articles"] += 1
            counts["defects"] += len(line["defects"])
            counts["negatives"] += len(line["negatives"])
            counts["conflicts"] += conflicts
    tmp.replace(out)
    return counts


def run(args: argparse.Namespace) -> int:
    try:
        counts = export_labels(args.db, args.output)
    except (FileNotFoundError, OSError) as exc:
        print(f"newsaudit export-labels: {exc}", file=sys.stderr)
        return 1
    print(
        f"{args.output}: {counts['articles']} articles, {counts['defects']} confirmed defects, "
        f"{counts['negatives']} dismissed (negatives)"
        + (f", {counts['conflicts']} dismissals dropped (same text confirmed)" if counts["conflicts"] else "")
    )
    return 0
