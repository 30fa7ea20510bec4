"""Shared loader for the benchmark scripts: the real pages in ``../shared/corpus``."""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


@dataclass(frozen=True)
class Page:
    id: str
    url: str
    language: str
    html: bytes
    body: str | None


def pages(limit: int | None = None, with_ground_truth: bool = False) -> Iterator[Page]:
    """Yield corpus pages in manifest order (stable across runs)."""
    manifest = CORPUS / "manifest.jsonl"
    if not manifest.exists():
        sys.exit(f"corpus not found at {CORPUS}; these benchmarks need ../shared/corpus")
    count = 0
    for line in manifest.open(encoding="utf-8"):
        row = json.loads(line)
        if with_ground_truth and not row.get("has_ground_truth"):
            continue
        path = CORPUS / row["path"]
        meta_path = path.with_name(path.name.removesuffix(".html.gz") + ".json")
        body = None
        if with_ground_truth and meta_path.exists():
            body = json.loads(meta_path.read_text(encoding="utf-8")).get("body")
        yield Page(
            row["id"],
            row.get("url") or "",
            row.get("language") or "",
            gzip.decompress(path.read_bytes()),
            body,
        )
        count += 1
        if limit and count >= limit:
            return
