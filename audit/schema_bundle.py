"""One file a consumer in any language can validate a record with: ``schemas/bundle.json``.

The schemas in ``schemas/`` refer to each other by ``$id`` ("block-1.0.json"), which
needs a validator that loads several files into one registry; many languages'
validators do not, so a record checked against ``article.schema.json`` alone fails
on its first reference. The bundle is one 2020-12 document whose ``$defs`` hold every
schema under its short name, with each cross-file reference rewritten to a plain
JSON pointer inside the bundle (``#/$defs/block``). Validate an article with
``{"$ref": "bundle.json#/$defs/article"}``, or by loading the bundle and following
that pointer.

Regenerate with ``python -m audit.schema_bundle`` (``make schemas``); a test fails
when the shipped bundle and ``schemas/`` disagree.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from audit.schema import load_schema, schema_dir

BUNDLE_NAME = "bundle.json"
BUNDLE_ID = "https://newsaudit.example/schemas/bundle.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _short_names() -> dict[str, str]:
    """``$id`` file name ("article-1.0.json") to short name ("article")."""
    names = {}
    for path in sorted(schema_dir().glob("*.schema.json")):
        name = path.name.removesuffix(".schema.json")
        names[load_schema(name)["$id"].rsplit("/", 1)[-1]] = name
    return names


def _rewrite(node: Any, own: str, names: dict[str, str]) -> Any:
    """Copy ``node`` with every ``$ref`` pointing inside the bundle: a sibling's
    ``$id`` ("run-1.1.json#/properties/counts") or the schema's own ``$defs``
    ("#/$defs/item") becomes ``#/$defs/<name>/...``."""
    if isinstance(node, list):
        return [_rewrite(item, own, names) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            target, _, pointer = value.partition("#")
            if target and target not in names:
                raise ValueError(f"{own}: $ref {value!r} names no schema in {schema_dir()}")
            name = names[target] if target else own
            out[key] = f"#/$defs/{name}{pointer}"
        else:
            out[key] = _rewrite(value, own, names)
    return out


def build_bundle() -> dict[str, Any]:
    """The bundle document, built from ``schemas/*.schema.json``."""
    names = _short_names()
    defs = {}
    for name in sorted(names.values()):
        schema = load_schema(name)
        body = {k: v for k, v in schema.items() if k not in ("$schema", "$id")}
        body["$comment"] = f"{schema['$id']} ({name}.schema.json)"
        defs[name] = _rewrite(body, name, names)
    return {
        "$schema": DRAFT,
        "$id": BUNDLE_ID,
        "title": "newsaudit record schemas in one document",
        "description": 'Validate a record with {"$ref": "bundle.json#/$defs/<name>"}: '
        + ", ".join(sorted(defs))
        + ". Generated from schemas/*.schema.json by `python -m audit.schema_bundle`.",
        "$defs": defs,
    }


def render() -> str:
    """The bundle as it is written to disk (stable key order, trailing newline)."""
    return json.dumps(build_bundle(), indent=2, ensure_ascii=False) + "\n"


def bundle_path() -> Path:
    return schema_dir() / BUNDLE_NAME


def main() -> int:
    path = bundle_path()
    path.write_text(render(), encoding="utf-8")
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
