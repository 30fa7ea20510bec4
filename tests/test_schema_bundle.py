"""``schemas/bundle.json``: in sync with ``schemas/``, and enough on its own to validate."""

from __future__ import annotations

import json

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from audit.cli import main
from audit.schema import schema_dir
from audit.schema_bundle import BUNDLE_NAME, render
from tests.archive_fixtures import write_warc


def test_bundle_is_in_sync_with_the_schemas():
    assert (schema_dir() / BUNDLE_NAME).read_text(encoding="utf-8") == render(), (
        "schemas/bundle.json is stale: run `.venv/bin/python -m audit.schema_bundle`"
    )


def _bundle_only_validator(name: str) -> Draft202012Validator:
    bundle = json.loads((schema_dir() / BUNDLE_NAME).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(bundle)
    registry = Registry().with_resource(bundle["$id"], Resource.from_contents(bundle)).crawl()
    target = {"$ref": bundle["$defs"][name]["$id"]}
    return Draft202012Validator(target, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_the_bundle_alone_validates_a_real_record(tmp_path, capsys):
    warc = write_warc(tmp_path / "news.warc", truncate=False)
    assert main(["audit", "--jobs", "1", "--no-report", "--out", str(tmp_path / "out"), str(warc)]) == 0
    capsys.readouterr()
    (run_dir,) = (tmp_path / "out").iterdir()
    record = json.loads((run_dir / "articles.jsonl").read_text(encoding="utf-8").splitlines()[0])
    article = _bundle_only_validator("article")
    assert list(article.iter_errors(record)) == []
    record["blocks"][0]["kind"] = "banner"  # checked through the bundled block schema
    assert [e.validator for e in article.iter_errors(record)] == ["enum"]
    record["blocks"][0]["kind"] = "paragraph"
    record["fetched_at"] = "yesterday"
    assert [e.validator for e in article.iter_errors(record)] == ["format"]
    run = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    assert list(_bundle_only_validator("run").iter_errors(run)) == []
