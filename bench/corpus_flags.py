"""How often each rule fires on real, mostly clean news pages (``../shared/corpus``).

A rule that flags more than 5% of these pages is either finding a real, common
defect (say so in the README) or is too eager (fix it). This prints, per rule, the
pages flagged (count and %) and the number of flags, then a seeded random sample of
flags per rule to read by eye.

    .venv/bin/python bench/corpus_flags.py [--jobs 2] [--samples 10] [--seed 0] [--rules AQ4] [--json] [--config FILE]

``--seed`` draws another sample (the README's judged samples name theirs); ``--json``
carries the samples too, each with its page, language and evidence.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from audit.evaluate import Label, audit_pages  # noqa: E402
from audit.registry import all_rules  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
LIMIT_PERCENT = 5.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit", type=int, help="only the first N pages of the manifest")
    parser.add_argument("--samples", type=int, default=10, help="random flags shown per rule")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random sample")
    parser.add_argument("--rules", default="AQ", help="only rules whose code starts with this")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    parser.add_argument("--config", help="audit config TOML merged over the defaults (to compare a change)")
    args = parser.parse_args(argv)

    manifest = CORPUS / "manifest.jsonl"
    if not manifest.exists():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    rows = [json.loads(line) for line in manifest.open(encoding="utf-8") if line.strip()]
    rows = rows[: args.limit] if args.limit else rows
    labels = [Label(r["path"], r.get("language") or None, (), (), r.get("url")) for r in rows]
    results = audit_pages(labels, CORPUS, jobs=args.jobs, config_path=args.config)

    audited = [r for r in results if r.failure is None]
    pages_by_rule: dict[str, set[str]] = defaultdict(set)
    flags_by_rule: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for row, result in zip(rows, results, strict=True):
        for f in result.findings:
            if f.rule.startswith(args.rules):
                pages_by_rule[f.rule].add(row["id"])
                flags_by_rule[f.rule].append((row["id"], row.get("language") or "?", f.evidence))

    rules = {r.code: r for r in all_rules()}
    table = []
    for code in sorted(set(rules) | set(pages_by_rule)):
        if not code.startswith(args.rules):
            continue
        n = len(pages_by_rule.get(code, ()))
        pct = 100 * n / len(audited) if audited else 0.0
        rule = rules.get(code)
        table.append(
            {
                "rule": code,
                "symbol": rule.symbol if rule else "rule-crashed",
                "type": rule.type if rule else "rule_error",
                "pages": n,
                "percent": round(pct, 2),
                "flags": len(flags_by_rule.get(code, ())),
            }
        )
    rng = random.Random(args.seed)
    samples = {
        t["rule"]: rng.sample(flags, min(args.samples, len(flags)))
        for t in table
        if (flags := flags_by_rule.get(t["rule"], []))
    }
    if args.json:
        for t in table:
            t["samples"] = [
                {"page": p, "language": lang, "evidence": e} for p, lang, e in samples.get(t["rule"], [])
            ]
        print(json.dumps({"pages": len(rows), "audited": len(audited), "rules": table}, indent=2))
        return 0

    print(
        f"corpus: {len(rows)} pages, {len(audited)} audited, {len(rows) - len(audited)} extraction failures"
    )
    print(f"{'rule':<7}{'symbol':<31}{'type':<22}{'pages':>7}{'%':>8}{'flags':>7}")
    for t in table:
        mark = "  > 5%" if t["percent"] > LIMIT_PERCENT else ""
        print(
            f"{t['rule']:<7}{t['symbol']:<31}{t['type']:<22}{t['pages']:>7}{t['percent']:>7.1f}%{t['flags']:>7}{mark}"
        )
    for t in table:
        if t["rule"] not in samples:
            continue
        print(f"\n== {t['rule']} {t['symbol']}: random sample of {len(samples[t['rule']])} of {t['flags']}")
        for page_id, lang, evidence in samples[t["rule"]]:
            text = evidence if len(evidence) <= 220 else evidence[:217] + "..."
            print(f"  [{page_id} {lang}] {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
