"""Send a run's drift alerts where the site config says: a webhook and/or a command.

A scheduled crawl's alerts are worthless in a file nobody opens. Each run with
alerts writes them to ``alerts.json`` in its run directory; ``[alerts] webhook``
gets that document as a JSON POST and ``[alerts] command`` is run with the file's
path appended. A delivery that fails is logged and never fails the crawl.
"""

from __future__ import annotations

import json
import logging
import shlex
import subprocess
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from crawler.output import write_json

logger = logging.getLogger(__name__)

ALERTS_FILENAME = "alerts.json"
TIMEOUT = 30


def alert_document(summary: Mapping[str, Any]) -> dict[str, Any]:
    """What is delivered: the run, its site and health, and its alerts."""
    return {
        "site": summary["site"],
        "run_id": summary["run_id"],
        "finished_at": summary["finished_at"],
        "health": summary.get("health"),
        "alerts": list(summary.get("alerts") or []),
    }


def post_json(url: str, document: Mapping[str, Any], timeout: float = TIMEOUT) -> int:
    """POST ``document`` as JSON; returns the HTTP status (raises on a network error)."""
    data = json.dumps(document, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - the operator's URL
        return int(response.status)


def deliver(run_dir: Path, summary: Mapping[str, Any], settings: Mapping[str, Any]) -> Path | None:
    """Write ``alerts.json`` and send it; ``None`` when the run has no alert."""
    if not summary.get("alerts"):
        return None
    document = alert_document(summary)
    path = Path(run_dir) / ALERTS_FILENAME
    write_json(path, document)
    webhook = settings.get("webhook")
    if webhook:
        try:
            status = post_json(str(webhook), document)
            logger.info(
                "newsaudit alerts: POSTed %d alert(s) to %s (HTTP %s)",
                len(document["alerts"]),
                webhook,
                status,
            )
        except (OSError, ValueError) as exc:
            logger.error("newsaudit alerts: POST to %s failed: %s", webhook, exc)
    command = settings.get("command")
    if command:
        try:
            proc = subprocess.run([*shlex.split(str(command)), str(path)], capture_output=True, text=True,
                                  timeout=TIMEOUT)  # fmt: skip
            if proc.returncode != 0:
                logger.error(
                    "newsaudit alerts: %s exited %d: %s", command, proc.returncode, proc.stderr.strip()[-500:]
                )
        except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
            logger.error("newsaudit alerts: running %s failed: %s", command, exc)
    return path
