"""Schema evolution: every schema carries its version in ``$id``, and each change keeps
records written under the previous version valid, or bumps the major version.

``tests/fixtures/schema_snapshots/`` holds each released schema
(``NAME-VERSION.schema.json``) and example records written under it
(``examples/NAME-VERSION.jsonl``, real output of the demo crawl and ``newsaudit
audit``). After a release, snapshot the new version with::

    .venv/bin/python tests/test_schema_evolution.py NAME...

and add examples of records written under it.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from audit.schema import load_schema, schema_dir, validator

SNAPSHOTS = Path(__file__).resolve().parent / "fixtures" / "schema_snapshots"
EXAMPLES = SNAPSHOTS / "examples"
CURRENT = sorted(p.name.removesuffix(".schema.json") for p in schema_dir().glob("*.schema.json"))
_SNAPSHOT = re.compile(r"^(?P<name>.+)-(?P<major>\d+)\.(?P<minor>\d+)\.schema\.json$")


def version(text: str) -> tuple[int, int]:
    major, minor = text.split(".")
    return int(major), int(minor)


def snapshots(name: str) -> list[tuple[tuple[int, int], Path]]:
    found = []
    for path in SNAPSHOTS.glob(f"{name}-*.schema.json"):
        match = _SNAPSHOT.match(path.name)
        if match and match["name"] == name:
            found.append(((int(match["major"]), int(match["minor"])), path))
    return sorted(found)


def snapshot_validator(path: Path) -> Draft202012Validator:
    """Validate against a snapshot, its ``$ref``s resolved among the snapshots."""
    registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema))
        for schema in (json.loads(p.read_text(encoding="utf-8")) for p in SNAPSHOTS.glob("*.schema.json"))
    )
    return Draft202012Validator(
        json.loads(path.read_text(encoding="utf-8")),
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def examples(name: str, ver: tuple[int, int]) -> list[dict]:
    path = EXAMPLES / f"{name}-{ver[0]}.{ver[1]}.jsonl"
    assert path.is_file(), f"no example records for {name} {ver}: add {path}"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("name", CURRENT)
def test_id_names_the_version(name):
    schema = load_schema(name)
    assert re.fullmatch(r"\d+\.\d+", schema["version"]), name
    assert schema["$id"].endswith(f"/{name}-{schema['version']}.json"), (schema["$id"], schema["version"])
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def compatibility_problems(name: str, schema: dict, check: Draft202012Validator) -> list[str]:
    """Why ``schema`` (validated by ``check``) breaks records of an earlier version of ``name``."""
    found = snapshots(name)
    if not found:
        return [f"no snapshot of schema {name!r}: run `.venv/bin/python {Path(__file__).name} {name}`"]
    current = version(schema["version"])
    problems = []
    for snap_version, path in found:
        if current < snap_version:
            problems.append(f"{name} {current} is older than its snapshot {snap_version}")
            continue
        old_records = examples(name, snap_version)
        old = snapshot_validator(path)
        for record in old_records:  # the examples really are records of that version
            assert not list(old.iter_errors(record)), f"example for {name} {snap_version} is invalid"
        if current[0] > snap_version[0]:
            continue  # a major bump announces the break
        for i, record in enumerate(old_records):
            messages = [e.message for e in check.iter_errors(record)]
            if messages:
                problems.append(
                    f"schemas/{name}.schema.json {current} rejects example {i} written under {snap_version}: "
                    f"{messages[:3]}. Keep old records valid, or bump the major version (and $id)."
                )
    return problems


@pytest.mark.parametrize("name", CURRENT)
def test_old_records_stay_valid_unless_the_major_version_is_bumped(name):
    assert compatibility_problems(name, load_schema(name), validator(name)) == []


@pytest.mark.parametrize("name", ["article", "audit-report", "failure", "run", "json-feed"])
def test_every_record_carries_its_schema_version(name):
    major = version(load_schema(name)["version"])[0]
    for ver, _ in snapshots(name):
        for record in examples(name, ver):
            carried = (
                record["_newsaudit"]["schema_version"] if name == "json-feed" else record["schema_version"]
            )
            assert version(carried)[0] == ver[0] <= major


def test_a_breaking_change_is_caught_unless_the_major_is_bumped():
    """The check itself can fail: a new required field breaks the old failure records."""
    schema = json.loads(json.dumps(load_schema("failure")))
    schema["required"] = [*schema["required"], "severity"]
    check = Draft202012Validator(schema)
    problems = compatibility_problems("failure", schema, check)
    assert problems and "bump the major version" in problems[0]
    schema["version"] = f"{version(schema['version'])[0] + 1}.0"
    assert compatibility_problems("failure", schema, check) == []


def main(names: list[str]) -> int:
    """Snapshot the current version of each named schema."""
    for name in names:
        schema = load_schema(name)
        target = SNAPSHOTS / f"{name}-{schema['version']}.schema.json"
        shutil.copyfile(schema_dir() / f"{name}.schema.json", target)
        print(
            f"{target} written; add example records to {EXAMPLES / (target.name.removesuffix('.schema.json') + '.jsonl')}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
