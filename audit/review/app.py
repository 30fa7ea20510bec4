"""The editors' review app (Flask).

Editors browse runs and mark each finding confirmed or dismissed. The pages use
no JavaScript at all: decisions are plain HTML form posts answered with a
redirect, so the Content-Security-Policy can forbid every script. Posts must
carry the token (a form field or the ``X-CSRF-Token`` header), derived from the
secret kept beside the decision store (:mod:`audit.review.secret`) so it outlives
a restart, and must not come from another origin.

Large runs are paged (:data:`PAGE_SIZE` articles per page, ``?page=N``), and
"next" walks the run's findings in order to the next one nobody has decided.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from flask import Flask, abort, jsonify, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from audit.report import _asset, template_env
from audit.report.rundir import RunData, is_run_dir, load_run
from audit.report.view import article_view, summary
from audit.review.keys import finding_keys
from audit.review.secret import csrf_token, load_or_create_secret, secret_path
from audit.review.store import DecisionError, DecisionStore

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
#: Articles per page of a run's list.
PAGE_SIZE = 50
#: Failures listed on a run's page (the report pages through all of them).
FAILURES_SHOWN = 200


@dataclass
class _Cached:
    stamp: tuple[float, int]
    run: RunData


class RunCatalog:
    """The run directories being served; each is re-read when its files change,
    so a crawl that is still writing shows up without a restart."""

    def __init__(self, run_dirs: list[Path], output_root: Path | None = None) -> None:
        self.run_dirs = [Path(p) for p in run_dirs]
        self.output_root = output_root
        self._cache: dict[Path, _Cached] = {}

    def dirs(self) -> list[Path]:
        if self.run_dirs:
            return self.run_dirs
        root = self.output_root
        if root is None or not root.is_dir():
            return []
        return sorted((p for p in root.iterdir() if is_run_dir(p)), key=lambda p: p.name, reverse=True)

    @staticmethod
    def _stamp(path: Path) -> tuple[float, int]:
        stamp = (0.0, 0)
        for name in ("articles.jsonl", "failures.jsonl", "rejects.jsonl", "run.json"):
            try:
                st = (path / name).stat()
            except OSError:
                continue
            stamp = (max(stamp[0], st.st_mtime), stamp[1] + st.st_size)
        return stamp

    def load(self, path: Path) -> RunData:
        stamp = self._stamp(path)
        cached = self._cache.get(path)
        if cached is None or cached.stamp != stamp:
            cached = _Cached(stamp, load_run(path))
            self._cache[path] = cached
        return cached.run

    def runs(self) -> list[RunData]:
        out = []
        for path in self.dirs():
            try:
                out.append(self.load(path))
            except FileNotFoundError:
                continue
        return out

    def get(self, run_id: str) -> RunData:
        # the directory is normally named after the run: try it before reading every run
        dirs = self.dirs()
        for path in sorted(dirs, key=lambda p: p.name != run_id):
            try:
                run = self.load(path)
            except FileNotFoundError:
                continue
            if run.run_id == run_id:
                return run
        abort(404, description="no such run")


def create_app(
    run_dirs: list[Path],
    db_path: Path,
    *,
    output_root: Path | None = Path("output"),
    token: str | None = None,
    extra_hosts: list[str] | None = None,
    page_size: int = PAGE_SIZE,
) -> Flask:
    app = Flask(__name__, template_folder="templates")
    # review templates first, then the report's (for the shared ``_article.html`` macros)
    app.jinja_loader = jinja2.ChoiceLoader(
        [jinja2.PackageLoader("audit.review", "templates"), template_env().loader]
    )
    app.jinja_env.autoescape = True
    store = DecisionStore(db_path)
    secret = load_or_create_secret(secret_path(db_path))
    app.config.update(
        MAX_CONTENT_LENGTH=16 * 1024,
        TRUSTED_HOSTS=LOOPBACK_HOSTS + list(extra_hosts or []),
        SECRET_KEY=secret,
        CSRF_TOKEN=token or csrf_token(secret),
    )
    catalog = RunCatalog(run_dirs, output_root)
    app.extensions["newsaudit"] = {"catalog": catalog, "store": store}
    css = _asset("report.css") + resources.files("audit.review").joinpath("review.css").read_text("utf-8")

    @app.after_request
    def security_headers(response: Any) -> Any:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"  # Origin must reach us; nothing leaks out
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        if request.is_json or request.accept_mimetypes.best == "application/json":
            return jsonify(error=exc.name, detail=exc.description), exc.code
        return render_template("error.html", css=css, error=exc), exc.code

    def article_or_404(run_id: str, number: int) -> tuple[RunData, dict[str, Any]]:
        run = catalog.get(run_id)
        if not 1 <= number <= len(run.articles):
            abort(404, description="no such article")
        return run, run.articles[number - 1]

    @app.get("/", provide_automatic_options=False)
    def index() -> Any:
        rows = []
        for run in catalog.runs():
            keys = [k for record in run.articles for k in finding_keys(record)]
            decided = store.lookup(keys)
            rows.append({"run": run, "s": summary(run), "findings": len(keys), "decided": len(decided)})
        return render_template("index.html", css=css, rows=rows, counts=store.count())

    def run_findings(run: RunData) -> list[tuple[int, list[str], dict[str, Any]]]:
        """``(number, finding keys, decisions)`` of every article, with one store query."""
        keyed = [(n, finding_keys(record)) for n, record in enumerate(run.articles, start=1)]
        decided = store.lookup([k for _, keys in keyed for k in keys])
        return [(n, keys, {k: decided[k] for k in keys if k in decided}) for n, keys in keyed]

    @app.get("/runs/<run_id>", provide_automatic_options=False)
    def run_page(run_id: str) -> Any:
        run = catalog.get(run_id)
        wanted_type = request.args.get("type", "")[:64]
        undecided_only = request.args.get("undecided") == "1"
        rows = []
        types: set[str] = set()
        for number, keys, decided in run_findings(run):
            record = run.articles[number - 1]
            record_types = {str(f.get("type")) for f in record.get("findings") or [] if f.get("type")}
            types.update(record_types)
            if wanted_type and wanted_type not in record_types:
                continue
            if undecided_only and len(decided) == len(keys):
                continue
            rows.append((number, len(keys), len(decided)))
        pages = max(1, -(-len(rows) // page_size))
        page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
        shown = rows[(page - 1) * page_size : page * page_size]
        articles = [
            {"view": article_view(n, run.articles[n - 1]), "findings": nf, "decided": nd}
            for n, nf, nd in shown
        ]
        query = {k: v for k, v in (("type", wanted_type), ("undecided", "1" if undecided_only else "")) if v}
        return render_template(
            "run.html",
            css=css,
            run=run,
            s=summary(run),
            articles=articles,
            matching=len(rows),
            first=(page - 1) * page_size + 1,
            page=page,
            pages=pages,
            query=query,
            types=sorted(types),
            wanted_type=wanted_type,
            undecided_only=undecided_only,
            all_decided=request.args.get("done") == "1",
            failures_shown=FAILURES_SHOWN,
        )

    @app.get("/runs/<run_id>/next", provide_automatic_options=False)
    def next_undecided(run_id: str) -> Any:
        """Redirect to the first undecided finding after finding ``after`` of article
        ``from`` (in article order, wrapping round to the start); to the run page
        when every finding is decided."""
        run = catalog.get(run_id)
        here = (request.args.get("from", 0, type=int) or 0, request.args.get("after", -1, type=int))
        undecided = [
            (number, i) for number, keys, decided in run_findings(run)
            for i, key in enumerate(keys) if key not in decided
        ]  # fmt: skip
        target = next((pos for pos in undecided if pos > here), undecided[0] if undecided else None)
        if target is None:
            return redirect(url_for("run_page", run_id=run_id, done="1"), code=303)
        number, index = target
        return redirect(
            url_for("article_page", run_id=run_id, number=number, _anchor=f"finding-{index}"), code=303
        )

    @app.get("/runs/<run_id>/articles/<int:number>", provide_automatic_options=False)
    def article_page(run_id: str, number: int) -> Any:
        run, record = article_or_404(run_id, number)
        view = article_view(number, record)
        keys = finding_keys(record)
        decisions = store.lookup(keys)
        # each finding dict (by identity) -> its position, key and decision, for the form macro
        meta = {
            id(f): {"i": i, "key": keys[i], "decision": decisions.get(keys[i])}
            for i, f in enumerate(record.get("findings") or [])
        }

        def finding_meta(finding: dict[str, Any]) -> dict[str, Any]:
            return meta[id(finding)]

        return render_template(
            "article.html",
            css=css,
            run=run,
            a=view,
            finding_meta=finding_meta,
            number=number,
            total=len(run.articles),
            token=app.config["CSRF_TOKEN"],
            error=request.args.get("error", "")[:200],
        )

    def check_request_origin() -> None:
        if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
            abort(403, description="cross-site request refused")
        origin = request.headers.get("Origin")
        if origin is not None and origin != request.host_url.rstrip("/"):
            abort(403, description="cross-origin request refused")

    @app.post("/runs/<run_id>/articles/<int:number>/findings/<int:index>", provide_automatic_options=False)
    def decide(run_id: str, number: int, index: int) -> Any:
        check_request_origin()
        as_json = request.is_json
        if as_json:
            payload = request.get_json(silent=True)
            if not isinstance(payload, dict):
                abort(400, description="body must be a JSON object")
            sent_token = request.headers.get("X-CSRF-Token", "")
        elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            payload = request.form.to_dict()
            sent_token = payload.get("csrf_token", "")
        else:
            abort(415, description="send a form or JSON")
        if not hmac.compare_digest(str(sent_token).encode(), app.config["CSRF_TOKEN"].encode()):
            abort(403, description="missing or wrong CSRF token")
        run, record = article_or_404(run_id, number)
        try:
            saved = store.decide(
                record, index, payload.get("decision"), payload.get("note"), run_id=run.run_id
            )
        except DecisionError as exc:
            if as_json:
                return jsonify(error="Bad Request", detail=str(exc)), 400
            return render_template("error.html", css=css, error=_BadInput(str(exc))), 400
        if as_json:
            return jsonify(key=saved.finding_key, decision=saved.decision, note=saved.note)
        target = url_for("article_page", run_id=run_id, number=number, _anchor=f"finding-{index}")
        return redirect(target, code=303)

    return app


@dataclass
class _BadInput:
    description: str
    code: int = 400
    name: str = "Bad Request"
