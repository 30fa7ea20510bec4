"""Audit configuration: a misspelt key, section or threshold is an error naming it and
the file, in a config file (``--config``, exit 2) and in a site's ``[audit]`` table."""

from __future__ import annotations

import pytest

from audit.cli import main
from audit.config import ConfigError, load_config, load_defaults
from audit.engine import audit_article
from audit.model import Article, Block
from crawler.siteconfig import SiteConfigError, from_mapping
from tests.paths import PAGES


@pytest.mark.parametrize(
    ("toml", "named"),
    [
        ('[rules]\nselct = ["AQ1"]\n', "rules.selct"),
        ("[thresholds.truncaton]\nmin_words = 4\n", "[thresholds.truncaton]"),
        ("[thresholds.headings]\nsimilarity = 0.9\nmin_word = 4\n", "thresholds.headings.min_word"),
        ("[scores]\nwarning = 5\n", "[scores]"),
        ("[thresholds.topic.weights]\ndatline = 2.0\n", "thresholds.topic.weights.datline"),
        ("[thresholds.paragraphs.layout_run]\nx = 1\n", "thresholds.paragraphs.layout_run"),
    ],
)
def test_unknown_keys_in_a_config_file_name_the_key_and_the_file(tmp_path, toml, named):
    path = tmp_path / "redaksi.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert named in message


def test_a_typo_gets_a_suggestion(tmp_path):
    path = tmp_path / "audit.toml"
    path.write_text("[thresholds.truncaton]\nmin_words = 4\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="did you mean 'truncation'"):
        load_config(path)


def test_cli_exits_2_on_a_misspelt_rules_key(tmp_path, capsys):
    bad = tmp_path / "site-audit.toml"
    bad.write_text('[rules]\nselct = ["AQ2"]\n', encoding="utf-8")
    assert main(["audit", "--config", str(bad), str(PAGES / "en_clean_harbour.html")]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: unknown key rules.selct" in err and "did you mean 'select'" in err


def test_eval_exits_2_on_a_misspelt_threshold(tmp_path, capsys):
    bad = tmp_path / "eval.toml"
    bad.write_text("[thresholds.paragraphs]\nnear_duplicat = 0.7\n", encoding="utf-8")
    labels = tmp_path / "labels.jsonl"
    labels.write_text('{"page": "x.html", "language": "id", "defects": []}\n', encoding="utf-8")
    code = main(["eval", "--config", str(bad), str(labels)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "thresholds.paragraphs.near_duplicat" in err and str(bad) in err


def test_unknown_keys_in_an_override_are_rejected():
    with pytest.raises(ConfigError, match=r"^audit override: unknown key rules\.selct"):
        load_config(override={"rules": {"selct": ["AQ1"]}})
    with pytest.raises(
        ConfigError, match=r"^site\.toml \[audit\]: unknown section \[thresholds\.truncaton\]"
    ):
        load_config(override={"thresholds": {"truncaton": {}}}, override_origin="site.toml [audit]")


def test_a_site_audit_table_with_a_typo_stops_the_site_config():
    site = {
        "name": "harian-contoh",
        "allowed_domains": ["harian.example"],
        "language": "id",
        "start_urls": ["https://harian.example/"],
        "audit": {"thresholds": {"paragraphs": {"layout_rn": 3}}},
    }
    with pytest.raises(SiteConfigError) as info:
        from_mapping(site, "sites/harian.toml")
    message = str(info.value)
    assert message.startswith("sites/harian.toml: invalid field /audit")
    assert "thresholds.paragraphs.layout_rn" in message


def test_every_default_key_and_language_tables_are_accepted(tmp_path):
    defaults = load_defaults()
    assert load_config(override=defaults).thresholds == defaults["thresholds"]
    path = tmp_path / "ok.toml"
    path.write_text(
        '[rules]\nignore = ["AQ4"]\n\n[score]\ninfo = 1\n\n'
        '[thresholds.language_mixing]\nquoted_languages = { ms = ["en"], vi = ["fr"] }\n\n'
        "[thresholds.topic.weights]\ndateline = 5.0\n",
        encoding="utf-8",
    )
    config = load_config(path, override={"thresholds": {"headings": {"min_words": 6}}})
    assert config.threshold("language_mixing", "quoted_languages") == {
        "tl": ["en"],
        "id": ["en"],
        "ms": ["en"],
        "vi": ["fr"],
    }
    assert config.threshold("topic", "weights")["dateline"] == 5.0
    assert config.threshold("headings", "min_words") == 6 and config.ignore == ("AQ4",)


def test_a_non_numeric_threshold_is_reported_by_the_rule_as_aq000():
    config = load_config(
        override={"rules": {"select": ["AQ1"]}, "thresholds": {"headings": {"similarity": "tinggi"}}}
    )
    title = "Banjir rob rendam pesisir Semarang, ribuan warga mengungsi"
    blocks = (
        Block(0, "heading", title + " 2025", level=2, language="id"),
        Block(
            1, "paragraph", "Air laut pasang merendam permukiman di Tambaklorok sejak pagi.", language="id"
        ),
    )
    art = Article(url=None, title=title, headline=title, blocks=blocks, language="id")
    crashed = [f for f in audit_article(art, config).findings if f.rule == "AQ000"]
    assert crashed and "AQ101" in crashed[0].evidence


def test_a_rule_code_that_matches_no_rule_is_an_error():
    import pytest as _pytest

    from audit.config import ConfigError, load_config

    with _pytest.raises(ConfigError, match="'AQ999' matches no rule"):
        load_config(override={"rules": {"ignore": ["AQ999"]}})
    assert load_config(override={"rules": {"ignore": ["AQ402"], "select": ["AQ4", "AQ7"]}}).enabled("AQ401")
