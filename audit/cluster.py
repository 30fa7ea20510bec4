"""Re-audit an archive on datatrove's executors (Slurm, Ray, local): reader, audit, writer.

``pip install 'newsaudit[cluster]'``; nothing else in ``audit/`` imports datatrove.

* :class:`ArchiveReader` reads ``.warc``, ``.warc.gz`` and ``.wacz`` files (any
  fsspec folder) with :func:`audit.archives.warc_pages`, so every capture is one
  Document exactly as ``newsaudit audit FILE.warc`` reads it: decoded by the
  crawler's charset path, and a capture that cannot be audited (``not_html``,
  ``http_404``, ``warc_revisit``, a damaged file...) is a Document too, carrying its
  failure. datatrove's own ``WarcReader`` is not used: it drops non-HTML and
  non-``response`` records without a trace, audits HTTP 404 pages as articles,
  decodes with cchardet instead of the declared charset, and needs cchardet and
  libmagic installed.
* :class:`NewsauditStep` takes Documents whose text is a page's HTML (``metadata["url"]``
  its URL; from :class:`ArchiveReader` or any other reader) and yields exactly one
  Document per input: ``metadata["newsaudit"]`` is the ``newsaudit audit --json``
  record (schemas/audit-report.schema.json), an article with its findings or a
  failure with its reason; ``text`` is the extracted article text (empty for a
  failure). A page that breaks the extractor or the rules is an ``analysis_error``
  record, never an exception that would fail the task.
* :func:`audit_pipeline` builds reader → step → writer; the writer
  (:func:`record_adapter`) writes the records themselves, one JSON line each.

Each page is audited alone (no site memory: the tasks run independently).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

try:
    from datatrove.data import Document, DocumentsPipeline
    from datatrove.pipeline.base import PipelineStep
    from datatrove.pipeline.readers.base import BaseDiskReader
    from datatrove.pipeline.writers.jsonl import JsonlWriter
except ImportError as exc:  # pragma: no cover - the message is the point
    raise ImportError("audit.cluster needs datatrove: pip install 'newsaudit[cluster]'") from exc

from audit.archives import is_wacz, is_warc, wacz_pages, warc_pages
from audit.batch import extract_text
from audit.config import load_config
from audit.engine import audit_article
from audit.model import ExtractionFailure
from audit.pages import Page, decode
from audit.records import audit_record, failed_audit_record, sanitize

#: Where a Document from :class:`ArchiveReader` carries why its capture has no page to audit.
FAILURE_KEY = "newsaudit_failure"
#: Where the output Document carries its ``newsaudit audit --json`` record.
RECORD_KEY = "newsaudit"


def _failure_doc(source: str, url: str | None, failure: ExtractionFailure, **metadata: Any) -> Document:
    metadata |= {
        "url": url,
        "source": source,
        FAILURE_KEY: {"reason": failure.reason, "detail": failure.detail},
    }
    return Document(text="", id=source, metadata=metadata)


def page_document(page: Page, language: str | None = None) -> Document:
    """One archived capture as a Document: its HTML decoded as the crawler decodes
    it, or (empty text) the failure saying why it has none."""
    meta = {"fetched_at": page.fetched_at, "http_status": page.http_status}
    if page.failure is not None:
        return _failure_doc(page.source, page.url, page.failure, **meta)
    assert page.body is not None
    text = decode(page.body, page.content_type, language)
    if isinstance(text, ExtractionFailure):
        return _failure_doc(page.source, page.url, text, **meta)
    return Document(text=text, id=page.source, metadata={"url": page.url, "source": page.source, **meta})


class ArchiveReader(BaseDiskReader):
    """Every capture of the ``.warc``/``.warc.gz``/``.wacz`` files in ``data_folder`` as
    one Document (see the module docstring); other files are skipped (stat ``skipped_files``).

    ``language``: the charset hint ``newsaudit audit --language`` gives the decoder.
    The other arguments are :class:`~datatrove.pipeline.readers.base.BaseDiskReader`'s."""

    name = "📰 newsaudit archive"

    def __init__(self, data_folder: Any, language: str | None = None, **kwargs: Any) -> None:
        super().__init__(data_folder, **kwargs)
        self.language = language

    def read_file(self, filepath: str) -> Iterator[Document]:
        if not (is_warc(filepath) or is_wacz(filepath)):
            self.stat_update("skipped_files")
            return
        name = self.data_folder.resolve_paths(filepath)
        try:
            # compression=None: warc_pages reads gzip members itself (and reports torn ones)
            handle = self.data_folder.open(filepath, "rb", compression=None)
        except OSError as exc:
            yield _failure_doc(name, None, ExtractionFailure("unreadable", f"{name}: {exc.strerror or exc}"))
            return
        with handle:
            pages = wacz_pages(name, handle) if is_wacz(filepath) else warc_pages(handle, name)
            for page in pages:
                with self.track_time():
                    document = page_document(page, self.language)
                if self.add_file_path:
                    document.metadata.setdefault("file_path", name)
                yield document


class NewsauditStep(PipelineStep):
    """Extract and audit each Document's HTML; one output Document per input (see
    the module docstring). ``config_path``: an audit config TOML (``newsaudit audit
    --config``), loaded once per task; ``language``: the language hint."""

    name = "🔎 newsaudit audit"
    type = "🔬 - AUDIT"

    def __init__(self, config_path: str | None = None, language: str | None = None) -> None:
        super().__init__()
        self.config_path = config_path
        self.language = language

    def record(self, document: Document, config: Any) -> dict[str, Any]:
        """The ``newsaudit audit --json`` record of one Document."""
        meta = document.metadata
        source = str(meta.get("source") or document.id)
        url = meta.get("url")
        failed = meta.get(FAILURE_KEY)
        if failed:
            failure = ExtractionFailure(failed["reason"], failed.get("detail", ""))
            return failed_audit_record(source, url, failure)
        if not isinstance(document.text, str) or not document.text.strip():
            return failed_audit_record(
                source, url, ExtractionFailure("empty_body", "the page has no content")
            )
        article = extract_text(document.text, url, self.language, source)
        if isinstance(article, ExtractionFailure):
            return failed_audit_record(source, url, article)
        return audit_record(audit_article(article, config), source=source)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if not data:
            return
        config = load_config(self.config_path)  # a bad config fails the task at once, not page by page
        for document in data:
            with self.track_time():
                try:
                    record = self.record(document, config)
                except Exception as exc:  # noqa: BLE001 - one bad page is that page's failure
                    failure = ExtractionFailure("analysis_error", f"{type(exc).__name__}: {exc}")
                    source = str(document.metadata.get("source") or document.id)
                    record = failed_audit_record(source, document.metadata.get("url"), failure)
            failure = record.get("failure")
            if failure:
                self.stat_update("failed", f"failed_{failure['reason']}")
                text = ""
            else:
                self.stat_update("audited")
                self.stat_update("findings", value=len(record["findings"]))
                text = "\n\n".join(block["text"] for block in record["blocks"])
            metadata = {k: v for k, v in document.metadata.items() if k != FAILURE_KEY}
            yield Document(text=text, id=document.id, metadata=metadata | {RECORD_KEY: record})


def record_adapter(self: Any, document: Document) -> dict[str, Any]:
    """Writer adapter: write the ``newsaudit audit --json`` record itself (UTF-8 safe)."""
    return sanitize(document.metadata[RECORD_KEY])


def audit_pipeline(
    input_folder: Any,
    output_folder: Any,
    *,
    glob_pattern: str | None = None,
    config_path: str | None = None,
    language: str | None = None,
    output_filename: str = "${rank}.jsonl",
    compression: str | None = None,
) -> list[PipelineStep]:
    """reader → audit → writer, for any datatrove executor: the archives under
    ``input_folder`` (a path or fsspec URL; ``glob_pattern`` e.g. ``"**/*.warc.gz"``)
    become ``newsaudit audit --json`` records in ``output_folder/<rank>.jsonl``."""
    return [
        ArchiveReader(input_folder, language=language, glob_pattern=glob_pattern),
        NewsauditStep(config_path=config_path, language=language),
        JsonlWriter(
            output_folder, output_filename=output_filename, compression=compression, adapter=record_adapter
        ),
    ]
