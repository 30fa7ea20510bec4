"""Load the JSON Schemas in ``schemas/`` and validate records against them.

The schemas are the single source of truth for every record we emit; they reference
each other by ``$id``, so they are loaded into one ``referencing`` registry.
"""

from __future__ import annotations

import json
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"


def schema_dir() -> Path:
    """``schemas/`` beside the package (source checkout or editable install)."""
    return SCHEMA_DIR


@lru_cache(maxsize=1)
def _load_all() -> dict[str, dict[str, Any]]:
    schemas: dict[str, dict[str, Any]] = {}
    for path in sorted(schema_dir().glob("*.schema.json")):
        schemas[path.name.removesuffix(".schema.json")] = json.loads(path.read_text(encoding="utf-8"))
    return schemas


def load_schema(name: str) -> dict[str, Any]:
    """Schema by short name, e.g. ``"article"`` for ``article.schema.json``."""
    try:
        return _load_all()[name]
    except KeyError:
        raise KeyError(f"no schema named {name!r} in {schema_dir()}") from None


@lru_cache(maxsize=1)
def _registry() -> Registry:
    resources = [(s["$id"], Resource.from_contents(s)) for s in _load_all().values()]
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(
        load_schema(name), registry=_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def errors(name: str, record: Any) -> list[str]:
    """Human-readable validation errors (empty when the record is valid)."""
    out = []
    for err in sorted(validator(name).iter_errors(record), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in err.absolute_path) or "(root)"
        out.append(f"{where}: {err.message}")
    return out


def is_valid(name: str, record: Any) -> bool:
    return validator(name).is_valid(record)
