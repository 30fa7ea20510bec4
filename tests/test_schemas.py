"""Every schema is valid JSON Schema 2020-12 with a versioned $id, and what we emit validates."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from audit.engine import audit_article
from audit.extract import extract_article
from audit.model import ExtractionFailure
from audit.records import audit_record, failed_audit_record, failure_record, feed_record, json_line, now_iso
from audit.schema import SCHEMA_DIR, errors
from tests.paths import PAGES

SCHEMA_FILES = sorted(SCHEMA_DIR.glob("*.schema.json"))


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_schema_is_valid_and_versioned(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["version"] in schema["$id"]


def test_expected_schemas_exist():
    names = {p.name for p in SCHEMA_FILES}
    for name in ("article", "finding", "audit-report", "failure", "site-config", "block"):
        assert f"{name}.schema.json" in names


def _result(name: str):
    article = extract_article((PAGES / name).read_bytes(), url=f"https://example.test/{name}").article
    return audit_article(article)


@pytest.mark.parametrize("name", ["id_banjir_defects.html", "en_clean_harbour.html", "th_clean_market.html"])
def test_audit_and_feed_records_validate(name):
    result = _result(name)
    assert errors("audit-report", audit_record(result, source=name)) == []
    record = feed_record(
        result, site="demo", url=f"https://example.test/{name}", run_id="r1", fetched_at=now_iso()
    )
    assert errors("article", record) == []
    for finding in record["findings"]:
        assert errors("finding", finding) == []


def test_failure_records_validate():
    rec = failed_audit_record("missing.html", None, ExtractionFailure("not_found", "no such file"))
    assert errors("audit-report", rec) == []
    assert errors("failure", failure_record(url="https://x.test/a", reason="http_404", http_status=404)) == []


def test_invalid_records_are_reported_with_their_path():
    record = feed_record(
        _result("en_clean_harbour.html"), site="demo", url="https://x.test/", run_id="r", fetched_at=now_iso()
    )
    record["findings"].append({"type": "nonsense", "rule": "X", "severity": "loud"})
    problems = errors("article", record)
    assert any(p.startswith("findings/") for p in problems)
    del record["content_hash"]
    assert any("content_hash" in p for p in errors("article", record))


def test_lone_surrogates_and_control_characters_serialise_to_valid_json():
    result = _result("en_clean_harbour.html")
    record = audit_record(result, source="odd\ud800name.html")
    record["title"] = "broken \udc80 title \x00 with NUL"
    line = json_line(record)
    line.encode("utf-8")  # would raise on a lone surrogate
    parsed = json.loads(line)
    assert parsed["source"] == "odd\ufffdname.html"
    assert "\x00" in parsed["title"]
    assert errors("audit-report", parsed) == []


def test_formats_are_checked_not_just_types():
    """date-time and uri are enforced (jsonschema skips a format whose checker
    library is missing, so this fails if the dependency goes)."""
    from audit.schema import errors

    failure = {"schema_version": "1.0", "url": "https://example.org/a", "reason": "timeout", "detail": "",
               "at": "yesterday"}  # fmt: skip
    assert any("date-time" in e for e in errors("failure", failure))
    assert not errors("failure", {**failure, "at": "2026-12-05T08:15:00+07:00"})
