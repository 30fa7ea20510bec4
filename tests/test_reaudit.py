"""``newsaudit reaudit``: a real crawl of the demo site (with --warc) re-audited with
changed rules shows exactly the changes, from the WARC and from the stored blocks."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from audit.config import load_config
from audit.reaudit import _changes, reaudit
from tests.crawl_runs import Run, Scenario, demo_config
from tests.paths import CLI, ROOT


@pytest.fixture(scope="module")
def warc_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    from crawler.demo.server import DemoServer

    tmp = tmp_path_factory.mktemp("reaudit")
    server = DemoServer(port=0).start()
    try:
        yield Scenario(server, tmp / "out", demo_config(tmp, server.port)).crawl("first", "--warc")
    finally:
        server.stop()


@pytest.fixture(scope="module")
def blocks_run(warc_run: Run, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same run without its archive: only the feed's stored blocks are left."""
    copy = tmp_path_factory.mktemp("noarchive") / warc_run.run_dir.name
    shutil.copytree(warc_run.run_dir, copy)
    (copy / warc_run.summary["files"]["warc"]).unlink()
    return copy


def _stored(run: Run, rule: str) -> Counter:
    return Counter(
        (a["url"], f["block"], f["evidence"])
        for a in run.articles
        for f in a["findings"]
        if f["rule"] == rule
    )


def _config(tmp_path: Path, text: str) -> tuple[Path, object]:
    path = tmp_path / "changed.toml"
    path.write_text(text, encoding="utf-8")
    return path, load_config(path)


@pytest.mark.parametrize("source", ["warc", "blocks"])
def test_unchanged_rules_change_nothing(warc_run, blocks_run, source):
    run_dir = warc_run.run_dir if source == "warc" else blocks_run
    diff = reaudit(run_dir, load_config())
    assert diff["source"] == source
    assert diff["articles"] == diff["reaudited"] == warc_run.counts["articles"] > 0
    assert (diff["added"], diff["removed"], diff["rules"]) == (0, 0, {})


@pytest.mark.parametrize("source", ["warc", "blocks"])
def test_ignored_rule_and_raised_threshold_show_exactly_their_removals(
    warc_run, blocks_run, tmp_path, source
):
    headings, mixing = _stored(warc_run, "AQ101"), _stored(warc_run, "AQ601")
    assert headings and mixing  # the demo site plants both defects
    path, config = _config(
        tmp_path, '[rules]\nignore = ["AQ101"]\n\n[thresholds.language_mixing]\nmin_letters = 100000\n'
    )
    diff = reaudit(warc_run.run_dir if source == "warc" else blocks_run, config, str(path))
    assert set(diff["rules"]) == {"AQ101", "AQ601"}
    assert diff["added"] == 0
    assert diff["rules"]["AQ101"]["removed"] == sum(headings.values())
    assert diff["rules"]["AQ601"]["removed"] == sum(mixing.values())
    assert diff["removed"] == sum(headings.values()) + sum(mixing.values())
    for code, stored in (("AQ101", headings), ("AQ601", mixing)):
        rule = diff["rules"][code]
        assert rule["examples"]["added"] == []
        for example in rule["examples"]["removed"]:
            assert (example["url"], example["block"], example["evidence"]) in stored


def test_changes_count_repeats_and_additions():
    def f(rule, block, evidence="x"):
        return {"rule": rule, "block": block, "evidence": evidence, "type": "t", "message": "m"}

    old = [f("AQ101", 1), f("AQ101", 1), f("AQ201", 2)]
    new = [f("AQ101", 1), f("AQ201", 2), f("AQ301", 4, "y")]
    changes = [(change, x["rule"], x["block"]) for change, x in _changes(old, new)]
    assert changes == [("removed", "AQ101", 1), ("added", "AQ301", 4)]


def test_cli_prints_per_rule_and_writes_the_json(warc_run, tmp_path):
    if not CLI.exists():
        pytest.skip("the console script is installed by `make install`")
    config = tmp_path / "ignore.toml"
    config.write_text('[rules]\nignore = ["AQ101"]\n', encoding="utf-8")
    out = tmp_path / "diff.json"
    proc = subprocess.run(
        [str(CLI), "reaudit", str(warc_run.run_dir), "--config", str(config), "--json", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    removed = sum(_stored(warc_run, "AQ101").values())
    assert f"AQ101 repeated_heading: +0 -{removed}" in proc.stdout
    diff = json.loads(out.read_text(encoding="utf-8"))
    assert diff["source"] == "warc" and list(diff["rules"]) == ["AQ101"]
    missing = subprocess.run(
        [str(CLI), "reaudit", str(tmp_path / "nope")], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert missing.returncode == 2 and "not a run directory" in missing.stderr
