"""``newsaudit audit`` on an archive, end to end, against Trafilatura alone; and
``--jobs 2`` against ``--jobs 1``. All measured side by side in one run.

The corpus pages (``../shared/corpus``) are packed into one WARC.gz (warcio, one
``response`` record each, as a crawl's ``--warc`` writes them). Then, on the same
pages:

- ``newsaudit audit --json --jobs 1 corpus.warc.gz`` and ``--jobs 2``, as
  subprocesses (start-up, reading the WARC, extraction, every rule, JSON out);
- ``trafilatura.extract(..., output_format="xml", with_metadata=True)`` in a fresh
  process (start-up included, the fair end-to-end comparison) and warm in this one;
- the start-up alone: ``newsaudit audit --json`` on one small page, and the first use
  of htmldate's dateparser (it compiles every locale's patterns once per process).

Run: ``.venv/bin/python bench/archive_audit.py [--limit N]``.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import ROOT, pages  # noqa: E402

CLI = ROOT / ".venv" / "bin" / "newsaudit"

_TRAFILATURA_ONLY = """
import sys, time
from pathlib import Path
start = time.perf_counter()
import trafilatura
for path in sorted(Path(sys.argv[1]).glob("*.html")):
    trafilatura.extract(path.read_bytes(), output_format="xml", with_metadata=True)
"""

_DATEPARSER_FIRST_USE = """
import time
from htmldate.extractors import get_external_parser
start = time.perf_counter()
get_external_parser().get_date_data("5 Desember 2025")
first = time.perf_counter() - start
start = time.perf_counter()
get_external_parser().get_date_data("12 Januari 2024")
print(f"{first:.3f} {time.perf_counter() - start:.4f}")
"""


def write_warc(corpus: list, path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True, warc_version="1.1")
        for page in corpus:
            headers = [("Content-Type", "text/html"), ("Content-Length", str(len(page.html)))]
            http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
            url = page.url or f"https://corpus.invalid/{page.id}"
            writer.write_record(
                writer.create_warc_record(url, "response", payload=io.BytesIO(page.html), http_headers=http)
            )


def wall(command: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=True)
    return time.perf_counter() - start, proc.stdout


def timed(command: list[str]) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the process and its workers, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds, out = wall(command)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    corpus = list(pages(args.limit))
    import trafilatura

    with tempfile.TemporaryDirectory() as tmp:
        warc = Path(tmp) / "corpus.warc.gz"
        write_warc(corpus, warc)
        html_dir = Path(tmp) / "html"
        html_dir.mkdir()
        for page in corpus:
            (html_dir / f"{page.id}.html").write_bytes(page.html)
        tiny = Path(tmp) / "one.html"
        tiny.write_bytes(corpus[0].html)

        # Alternated, best of ``--repeat``: the machine may be shared with other jobs.
        runs: dict[int, list[tuple[float, float, str]]] = {1: [], 2: []}
        for _ in range(args.repeat):
            for jobs in (1, 2):
                runs[jobs].append(timed([str(CLI), "audit", "--json", "--jobs", str(jobs), str(warc)]))
        (t_jobs1, cpu1, out1), (t_jobs2, cpu2, out2) = min(runs[1]), min(runs[2])
        t_traf_proc, _ = wall([sys.executable, "-c", _TRAFILATURA_ONLY, str(html_dir)])
        t_start, _ = wall([str(CLI), "audit", "--json", "--jobs", "1", str(tiny)])
        _, dates = wall([sys.executable, "-c", _DATEPARSER_FIRST_USE])
        trafilatura.extract(corpus[0].html, output_format="xml", with_metadata=True)  # warm
        start = time.perf_counter()
        for page in corpus:
            trafilatura.extract(page.html, output_format="xml", with_metadata=True)
        t_traf_warm = time.perf_counter() - start

    n = len(corpus)
    records = out1.count("\n")
    failed = out1.count('"failure":')
    dp_first, dp_next = (float(x) for x in dates.split())
    print(f"pages: {n}, records: {records} ({records - failed} articles, {failed} failures)")
    print(f"identical output --jobs 1 / --jobs 2: {out1 == out2}; load average {os.getloadavg()[0]:.2f}")
    print(f"CPU seconds (process + workers): --jobs 1 {cpu1:.1f}, --jobs 2 {cpu2:.1f}")
    print(
        f"newsaudit audit --json --jobs 1 (end to end)  : {t_jobs1:7.2f} s  {1000 * t_jobs1 / n:7.1f} ms/page"
    )
    print(
        f"newsaudit audit --json --jobs 2 (end to end)  : {t_jobs2:7.2f} s  {1000 * t_jobs2 / n:7.1f} ms/page"
    )
    print(
        f"trafilatura.extract XML, fresh process        : {t_traf_proc:7.2f} s  {1000 * t_traf_proc / n:7.1f} ms/page"
    )
    print(
        f"trafilatura.extract XML, warm, this process   : {t_traf_warm:7.2f} s  {1000 * t_traf_warm / n:7.1f} ms/page"
    )
    print(f"start-up: newsaudit audit on one page         : {t_start:7.2f} s")
    print(
        f"start-up: dateparser's first date (all locales): {dp_first:7.2f} s (then {1000 * dp_next:.1f} ms)"
    )
    print(f"ratio newsaudit --jobs 1 / trafilatura (fresh process): {t_jobs1 / t_traf_proc:.2f}")
    print(f"ratio newsaudit --jobs 1 / trafilatura (warm)         : {t_jobs1 / t_traf_warm:.2f}")
    print(f"speed-up --jobs 2 over --jobs 1                        : {t_jobs1 / t_jobs2:.2f}x")
    per_page = (t_jobs1 - t_start) / max(1, n - 1)
    print(f"newsaudit without start-up: {1000 * per_page:.1f} ms/page")


if __name__ == "__main__":
    main()
