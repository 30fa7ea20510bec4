"""Registry, configuration and engine behaviour: codes, selection, scoring, AQ000."""

from __future__ import annotations

import re

import pytest

from audit import registry
from audit.config import AuditConfig, ConfigError, default_config, load_config
from audit.engine import audit_article
from audit.model import FINDING_TYPES, Article, Block
from audit.registry import Flag, Rule, all_rules, register, shared_pass


def _article(*texts: str, title: str = "Harga beras naik di pasar tradisional") -> Article:
    blocks = tuple(Block(index=i, kind="paragraph", text=t, language="id") for i, t in enumerate(texts))
    return Article(url="https://example.test/a", title=title, headline=title, blocks=blocks, language="id")


def test_every_rule_has_a_stable_code_symbol_type_and_description():
    rules = all_rules()
    assert len(rules) >= 8
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.symbol for r in rules}) == len(rules)
    for rule in rules:
        assert re.fullmatch(r"AQ\d{3}", rule.code)
        assert re.fullmatch(r"[a-z0-9-]+", rule.symbol)
        assert rule.type in FINDING_TYPES and rule.type != "rule_error"
        assert rule.severity in ("info", "warning", "error")
        assert rule.description
    covered = {r.type for r in rules}
    assert covered == set(FINDING_TYPES) - {"rule_error"}


def test_registry_rejects_duplicate_codes_and_bad_types():
    existing = all_rules()[0]
    with pytest.raises(ValueError, match="duplicate rule code"):
        register(existing.code, "brand-new-symbol", existing.type, "info", "x")(lambda a, c: [])
    with pytest.raises(ValueError, match="unknown finding type"):
        register("AQ998", "another-symbol", "not_a_type", "info", "x")(lambda a, c: [])
    with pytest.raises(ValueError, match="must look like"):
        register("X1", "third-symbol", "boilerplate", "info", "x")(lambda a, c: [])


@pytest.mark.parametrize(
    ("select", "ignore", "code", "enabled"),
    [
        (["AQ"], [], "AQ101", True),
        (["AQ"], ["AQ1"], "AQ101", False),
        (["AQ"], ["AQ1"], "AQ201", True),
        (["AQ4"], [], "AQ101", False),
        (["AQ"], ["AQ1"], "AQ1", False),
        (["AQ101"], ["AQ1"], "AQ101", True),  # the more specific prefix wins
    ],
)
def test_select_and_ignore_by_code_prefix(select, ignore, code, enabled):
    assert AuditConfig(select=tuple(select), ignore=tuple(ignore)).enabled(code) is enabled


def test_ignored_rules_do_not_run():
    text = "Harga beras di pasar tradisional naik pekan ini karena pasokan dari daerah sentra berkurang."
    article = _article(text, text)
    assert any(f.type == "duplicate_paragraph" for f in audit_article(article).findings)
    config = load_config(override={"rules": {"ignore": ["AQ2"]}})
    assert not any(f.type == "duplicate_paragraph" for f in audit_article(article, config).findings)


def test_invalid_config_names_file_and_key(tmp_path):
    bad = tmp_path / "audit.toml"
    bad.write_text('[rules]\nselect = "AQ1"\n')
    with pytest.raises(ConfigError, match=r"audit\.toml: rules\.select"):
        load_config(bad)
    broken = tmp_path / "broken.toml"
    broken.write_text("[rules\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(broken)


def test_score_costs_follow_severity():
    text = "Harga beras di pasar tradisional naik pekan ini karena pasokan dari daerah sentra berkurang."
    result = audit_article(_article(text, text))
    config = load_config()
    expected = max(0, 100 - sum(config.score_costs[f.severity] for f in result.findings))
    assert result.findings and result.score == expected < 100


def test_a_crashing_rule_becomes_an_aq000_finding(monkeypatch):
    def explode(article, config):
        raise RuntimeError("boom")
        yield Flag("x", "x")  # pragma: no cover

    broken = Rule("AQ999", "always-crashes", "boilerplate", "info", "test rule", explode)
    monkeypatch.setitem(registry._RULES, "AQ999", broken)
    result = audit_article(_article("Satu paragraf pendek tentang harga beras di pasar tradisional."))
    crash = [f for f in result.findings if f.rule == "AQ000"]
    assert len(crash) == 1
    assert crash[0].type == "rule_error" and crash[0].evidence == "AQ999"
    assert "always-crashes" in crash[0].message and "boom" in crash[0].message


@pytest.mark.parametrize(
    "texts",
    [
        (),
        ("Satu paragraf saja.",),
        ("HARGA BERAS NAIK TAJAM DI SEMUA PASAR TRADISIONAL KOTA INI MENURUT PARA PEDAGANG",),
        ("tanpa tanda baca sama sekali dan sangat panjang " * 20,),
        ("Giá lúa gạo tăng mạnh. ราคาข้าวสูงขึ้น Harga beras naik 20 persen. Rice prices rose.",),
    ],
)
def test_awkward_articles_never_raise(texts):
    result = audit_article(_article(*texts))
    assert not [f for f in result.findings if f.rule == "AQ000"]
    assert 0 <= result.score <= 100


def test_a_shared_pass_runs_once_per_article_and_configuration():
    calls: list[str] = []

    @shared_pass
    def scan(article, config):
        calls.append(article.title)
        return [b.text for b in article.blocks]

    first = Article(
        url=None, title="Satu", blocks=(Block(0, "paragraph", "Harga cabai naik."),), language="id"
    )
    second = Article(
        url=None, title="Dua", blocks=(Block(0, "paragraph", "Presyo ng bigas."),), language="tl"
    )
    config = default_config()
    assert scan(first, config) == scan(first, config) == ["Harga cabai naik."]
    assert calls == ["Satu"]  # AQ401 then AQ402 on the same article: one scan
    assert scan(second, config) == ["Presyo ng bigas."]
    scan(second, load_config(override={"rules": {"select": ["AQ4"]}}))
    assert calls == ["Satu", "Dua", "Dua"]  # another article or configuration: scanned afresh
