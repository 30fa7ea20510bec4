"""Build ``schemas/bundle.json``: every schema in one JSON Schema 2020-12 document.

For consumers who want a single file: each schema is embedded under ``$defs`` by its
short name and keeps its own ``$id``, so the references between them
(``"block-1.0.json"``) and inside them (``"#/$defs/urls"``) resolve within the
bundle, with no other file. Validate a record with ``{"$ref": "<that schema's $id>"}``
against a registry holding only the bundle. ``schemas/*.schema.json`` stay the
source of truth; regenerate with ``.venv/bin/python -m audit.schema_bundle`` (a test
fails when the bundle is out of date).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from audit.schema import _load_all, schema_dir

BUNDLE_NAME = "bundle.json"
BUNDLE_ID = "https://newsaudit.example/schemas/bundle.json"


def build_bundle() -> dict[str, Any]:
    schemas = _load_all()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": BUNDLE_ID,
        "title": "newsaudit schemas, bundled",
        "description": "Generated from schemas/*.schema.json by `python -m audit.schema_bundle`; do not edit.",
        "versions": {name: schema.get("version") for name, schema in sorted(schemas.items())},
        "$defs": {name: schema for name, schema in sorted(schemas.items())},
    }


def render() -> str:
    return json.dumps(build_bundle(), ensure_ascii=False, indent=2) + "\n"


def main() -> int:
    path = schema_dir() / BUNDLE_NAME
    path.write_text(render(), encoding="utf-8")
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
