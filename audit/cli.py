"""The ``newsaudit`` command line.

Each subcommand lives in its own module exposing ``add_arguments(parser)`` and
``run(args) -> int``; this file only wires them together. Modules are imported
when the parser is built, so they must keep heavy imports (Scrapy, Flask) inside
``run`` -- ``newsaudit audit`` must stay fast and Scrapy-free.
"""

from __future__ import annotations

import argparse
import importlib
import sys

#: subcommand -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "audit": ("audit.commands.audit_cmd", "audit saved pages, URLs, WARC/WACZ archives and folders"),
    "eval": ("audit.evaluate", "score the auditor against a labels.jsonl file"),
    "validate": ("audit.commands.validate_cmd", "validate feed files against the schemas"),
    "reaudit": (
        "audit.commands.reaudit_cmd",
        "re-audit a stored run with the current rules; diff the findings",
    ),
    "memory": ("audit.commands.memory_cmd", "site memory file: stats, prune, rebuild"),
    "rules": ("audit.commands.rules_cmd", "list every rule with its code, type and severity"),
    "report": ("audit.report.cli", "regenerate a run's self-contained HTML report"),
    "serve": ("audit.review.cli", "serve the editors' review app on 127.0.0.1"),
    "export-labels": ("audit.review.export", "export editors' decisions as evaluation labels"),
    "crawl": ("crawler.commands.crawl_cmd", "crawl a configured site and audit every article"),
    "demo": ("crawler.commands.demo_cmd", "serve the bundled demo site, crawl it, audit it"),
    "serve-demo": ("crawler.commands.serve_demo_cmd", "serve the bundled demo news site on 127.0.0.1"),
    "serve-faults": ("crawler.commands.serve_faults_cmd", "serve the fault-injection test site on 127.0.0.1"),
}


def _version() -> str:
    """The installed distribution's version (pyproject.toml), and the record schema's."""
    from importlib.metadata import PackageNotFoundError, version

    from audit.model import SCHEMA_VERSION

    try:
        installed = version("newsaudit")
    except PackageNotFoundError:  # run from a source tree that was never installed
        installed = "unknown"
    return f"{installed} (record schema {SCHEMA_VERSION})"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsaudit", description="Crawl, extract and audit news articles for content defects."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if not exc.name or not module_name.startswith(exc.name):
                raise
            continue  # a command whose module is not built yet is simply absent
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(cmd)
        cmd.set_defaults(_run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args._run(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
