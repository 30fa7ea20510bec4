"""Build ``audit/data/sentence_end.json``: how often each word ends a sentence.

Reads real news text: the article texts of ``../shared/corpus_text`` (ms, id, tl,
vi, th) and the ground-truth bodies of ``../shared/corpus`` (language as the
corpus manifest gives it). Per language it counts, for each word, how often it
occurs and how often it is the last word before a sentence terminator
(``audit.sentence_end.count_sentence_ends``; in Vietnamese, whose words are
spaced syllables, each pair of syllables), and keeps the words seen at least
``--min-count`` times. Languages written without spaces or sentence punctuation
(Thai, Japanese, Chinese) and languages with fewer than ``--min-sentences``
sentences are left out; the truncation rule falls back to its hand list there.

    .venv/bin/python bench/build_sentence_end_stats.py [--shared ../shared] [--min-count 20]

The output is deterministic (sorted keys, one word a line) so a rebuild shows as
a small diff.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from audit.sentence_end import DATA_PATH, SYLLABLE_LANGUAGES, SentenceEndCounts  # noqa: E402
from audit.text import dominant_script, unpunctuated_script  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = "bench/build_sentence_end_stats.py"
#: Scripts whose words are spaced and whose sentences end on punctuation.
SPACED_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK"})


def corpus_text_paragraphs(root: Path) -> Iterator[tuple[str, str, str]]:
    """(language, source, paragraph) from ``corpus_text/<lang>/*.json``."""
    for path in sorted(root.glob("*/*.json")):
        article = json.loads(path.read_text(encoding="utf-8"))
        source = f"corpus_text/{article['source_dataset']}"
        for paragraph in article["paragraphs"]:
            yield article["language"], source, paragraph


def corpus_body_paragraphs(root: Path) -> Iterator[tuple[str, str, str]]:
    """(language, source, paragraph) from the ground-truth bodies of ``corpus``."""
    with (root / "manifest.jsonl").open(encoding="utf-8") as fh:
        entries = [json.loads(line) for line in fh if line.strip()]
    for entry in sorted(entries, key=lambda e: e["path"]):
        if not entry["has_ground_truth"]:
            continue
        page = json.loads((root / entry["path"].replace(".html.gz", ".json")).read_text(encoding="utf-8"))
        source = f"corpus/{entry['source']}"
        for paragraph in (page.get("body") or "").split("\n"):
            if paragraph.strip():
                yield entry["language"], source, paragraph


def judgeable(paragraph: str) -> bool:
    """Text whose words are spaced and whose sentences end on punctuation."""
    return not unpunctuated_script(paragraph) and dominant_script(paragraph) in SPACED_SCRIPTS


def build(shared: Path, min_count: int, min_sentences: int) -> dict[str, object]:
    """Count every language and keep the frequent words of the well-covered ones."""
    counts: dict[str, SentenceEndCounts] = {}
    sources: dict[str, Counter[str]] = {}
    streams = (corpus_text_paragraphs(shared / "corpus_text"), corpus_body_paragraphs(shared / "corpus"))
    for stream in streams:
        for lang, source, paragraph in stream:
            if not judgeable(paragraph):
                continue
            counts.setdefault(lang, SentenceEndCounts(pairs=lang in SYLLABLE_LANGUAGES)).add(paragraph)
            sources.setdefault(lang, Counter())[source] += 1
    out: dict[str, object] = {
        "_meta": {
            "generated_by": SCRIPT,
            "regenerate": f".venv/bin/python {SCRIPT} --min-count {min_count} --min-sentences {min_sentences}",
            "fields": "words: word -> [times seen, times it was the last word of a sentence]",
            "pairs": f"in {', '.join(sorted(SYLLABLE_LANGUAGES))} a word is a pair of syllables ('không trung')",
            "min_count": min_count,
        }
    }
    for lang in sorted(counts):
        found = counts[lang]
        if found.sentences < min_sentences:
            continue
        out[lang] = {
            "sentences": found.sentences,
            "tokens": sum(found.seen.values()),
            "sources": {name: n for name, n in sorted(sources[lang].items())},  # paragraphs per source
            "words": {w: [n, found.ends[w]] for w, n in sorted(found.seen.items()) if n >= min_count},
        }
    return out


def dump(data: dict[str, object]) -> str:
    """JSON with sorted keys and one word a line: small diffs on a rebuild."""
    lines = ["{"]
    for i, (key, value) in enumerate(sorted(data.items())):
        comma = "," if i < len(data) - 1 else ""
        if not isinstance(value, dict) or "words" not in value:
            lines.append(
                f"  {json.dumps(key)}: {json.dumps(value, sort_keys=True, ensure_ascii=False)}{comma}"
            )
            continue
        lines.append(f"  {json.dumps(key)}: {{")
        for name in sorted(k for k in value if k != "words"):
            lines.append(
                f"    {json.dumps(name)}: {json.dumps(value[name], sort_keys=True, ensure_ascii=False)},"
            )
        words = sorted(value["words"].items())
        lines.append('    "words": {')
        lines.extend(
            f"      {json.dumps(w, ensure_ascii=False)}: [{n}, {e}]{',' if j < len(words) - 1 else ''}"
            for j, (w, (n, e)) in enumerate(words)
        )
        lines.append("    }")
        lines.append(f"  }}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--min-count", type=int, default=20, help="keep words seen at least this often")
    parser.add_argument(
        "--min-sentences", type=int, default=2000, help="keep languages with this many sentences"
    )
    parser.add_argument("--output", type=Path, default=DATA_PATH)
    args = parser.parse_args(argv)
    data = build(args.shared, args.min_count, args.min_sentences)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(dump(data), encoding="utf-8")
    summary = {k: (v["sentences"], len(v["words"])) for k, v in data.items() if not k.startswith("_")}
    print(f"wrote {args.output}: language -> (sentences, words) {summary}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
