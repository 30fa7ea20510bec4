"""schemas/bundle.json: every schema in one 2020-12 document, validating records alone."""

from __future__ import annotations

import json

from jsonschema import Draft202012Validator

from audit.engine import audit_article
from audit.extract import extract_article
from audit.records import failure_record, feed_record, now_iso
from audit.schema_bundle import bundle_path, render
from tests.paths import PAGES


def _bundle() -> dict:
    return json.loads(bundle_path().read_text(encoding="utf-8"))


def _validator(name: str) -> Draft202012Validator:
    """A validator that knows nothing but the bundle file: no registry of siblings."""
    schema = dict(_bundle())
    schema["$ref"] = f"#/$defs/{name}"
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_shipped_bundle_matches_the_schemas_it_is_built_from():
    # Fails when a schema changes and `python -m audit.schema_bundle` was not re-run.
    assert bundle_path().read_text(encoding="utf-8") == render()


def test_bundle_is_valid_2020_12_and_has_no_reference_outside_itself():
    bundle = _bundle()
    Draft202012Validator.check_schema(bundle)
    refs = [line for line in bundle_path().read_text(encoding="utf-8").splitlines() if '"$ref"' in line]
    assert refs and all('"#/$defs/' in line for line in refs)


def test_a_real_article_record_validates_against_the_bundle_alone_and_a_broken_one_does_not():
    html = (PAGES / "id_banjir_defects.html").read_bytes()
    result = audit_article(extract_article(html, url="https://example.test/banjir").article)
    record = feed_record(
        result, site="demo", url="https://example.test/banjir", run_id="r1", fetched_at=now_iso()
    )
    assert record["findings"], "the fixture has defects, so finding references are exercised"
    article = _validator("article")
    assert list(article.iter_errors(record)) == []
    record["findings"][0]["severity"] = "loud"
    record["fetched_at"] = "yesterday"
    problems = {tuple(e.absolute_path) for e in article.iter_errors(record)}
    assert ("findings", 0, "severity") in problems and ("fetched_at",) in problems


def test_a_failure_record_validates_against_the_bundle_alone():
    record = failure_record(url="https://x.test/a", reason="http_404", http_status=404)
    assert list(_validator("failure").iter_errors(record)) == []
