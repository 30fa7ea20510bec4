"""The datatrove pipeline (audit.cluster) gives the same records as ``newsaudit audit --json``."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("datatrove")

from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from audit.cluster import FAILURE_KEY, RECORD_KEY, NewsauditStep, audit_pipeline  # noqa: E402

_PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title} - Warta Kota</title>
</head><body><nav><a href="/">Home</a></nav><article><h1>{title}</h1>
<p class="byline">{author}</p>{paras}</article><footer>Warta Kota</footer></body></html>"""

PAGES = {
    "ms": (
        "Petani Kedah Beralih kepada Padi Tahan Kemarau Selepas Musim Panas Panjang",
        "Oleh Aminah Yusof",
        [
            "Ratusan petani di Kedah mula menanam baka padi baharu yang tahan kemarau selepas dua musim "
            "berturut-turut hasil tuaian merosot kerana hujan lewat turun di kawasan jelapang padi negeri itu.",
            "Persatuan peladang kawasan Yan berkata baka ini matang lebih awal dan memerlukan air yang jauh "
            "lebih sedikit berbanding baka lama yang telah ditanam selama dua puluh tahun.",
            "Encik Rahim, seorang petani yang sudah tiga puluh tahun bertani, berkata dia kini tidak lagi "
            "bergantung sepenuhnya kepada jadual pengairan yang sering tertangguh pada bulan kering.",
            "Jabatan pertanian negeri berjanji menyediakan benih percuma untuk musim hadapan kepada ahli "
            "persatuan yang menghadiri kursus pengurusan air di pusat latihan daerah.",
        ],
    ),
    "vi": (
        "Nông dân Sóc Trăng chuyển sang nuôi tôm kết hợp trồng lúa sau mùa hạn mặn",
        "Lê Thị Hoa",
        [
            "Nhiều hộ nông dân ở Sóc Trăng đã chuyển sang mô hình nuôi tôm kết hợp trồng lúa sau khi nước "
            "mặn xâm nhập sâu vào đồng ruộng trong mùa khô vừa qua, khiến vụ lúa đông xuân thất thu.",
            "Hợp tác xã ở huyện Mỹ Xuyên cho biết mô hình mới giúp các gia đình có thu nhập ổn định hơn vì "
            "con tôm chịu được độ mặn cao trong những tháng không có mưa.",
            "Ông Nguyễn Văn Tâm, người đã làm ruộng hơn hai mươi năm, nói rằng gia đình ông thu hoạch được "
            "cả tôm lẫn lúa trên cùng một thửa ruộng mà không phải bỏ hoang như trước đây.",
            "Sở nông nghiệp tỉnh hứa sẽ hỗ trợ con giống và tập huấn kỹ thuật cho các hộ tham gia mô hình "
            "trong vụ tới, ưu tiên những xã chịu ảnh hưởng nặng nhất của hạn mặn.",
        ],
    ),
    "en": (
        "Ferry Operators in Cebu Add Night Crossings as Island Tourism Recovers",
        "By Daniel Reyes",
        [
            "Ferry operators in Cebu have added night crossings to the smaller islands after passenger "
            "numbers returned to the levels seen before the pandemic, the provincial port office said.",
            "The new schedule adds three departures after sunset from the north harbour, serving Bantayan, "
            "Camotes and Malapascua, where resort owners had complained of guests missing the last boat.",
            "Captain Luis Manalo, who has piloted the Bantayan route for eighteen years, said the crossings "
            "are calm at night in the dry season and that crews have trained for the change since March.",
            "The port office said it would review the schedule before the typhoon season and could suspend "
            "the night departures whenever the weather bureau raises a gale warning for the Visayan Sea.",
        ],
    ),
}
#: The defect: the Indonesian page prints its second paragraph twice.
DUPLICATED = (
    "Kelompok tani Sumber Rejeki kini mengelola tali-tali bibit di perairan dangkal dekat muara. "
    "Mereka memanen setiap empat puluh lima hari dan menjual hasilnya kepada pengepul dari Semarang."
)
PAGES["id"] = (
    "Nelayan Demak Beralih ke Rumput Laut Setelah Abrasi Menggerus Tambak",
    "Oleh Siti Rahmawati",
    [
        "Puluhan nelayan di pesisir Demak, Jawa Tengah, mulai membudidayakan rumput laut setelah abrasi "
        "menggerus tambak udang yang selama dua dekade menjadi sumber penghasilan mereka.",
        DUPLICATED,
        "Ketua kelompok, Pak Darsono, mengatakan modal awal budidaya jauh lebih kecil daripada membangun "
        "kembali tanggul tambak yang terus jebol setiap musim hujan datang.",
        DUPLICATED,
        "Dinas kelautan setempat berjanji memberikan pelatihan pengeringan agar harga jual rumput laut "
        "tidak jatuh ketika panen raya tiba bersamaan di seluruh desa pesisir.",
    ],
)


def _url(lang: str) -> str:
    return f"https://warta.example/{lang}/berita.html"


def _html(lang: str) -> bytes:
    title, author, paras = PAGES[lang]
    body = "".join(f"<p>{p}</p>" for p in paras)
    return _PAGE.format(lang=lang, title=title, author=author, paras=body).encode("utf-8")


def _response(writer: WARCWriter, url: str, body: bytes, ctype: str, status: str = "200 OK") -> None:
    http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http)
    )


def _write_warc(path: Path, langs: list[str], extra: bool, gz: bool) -> Path:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gz, warc_version="1.1")
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test_datatrove"}))
        for lang in langs:
            _response(writer, _url(lang), _html(lang), "text/html; charset=utf-8")
        if extra:  # a capture that is not a page, and one the server answered 404
            _response(writer, "https://warta.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")
            _response(
                writer,
                "https://warta.example/gone.html",
                b"<html>not here</html>",
                "text/html",
                "404 Not Found",
            )
    return path


@pytest.fixture(scope="module")
def archives(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("archives")
    _write_warc(folder / "a.warc", ["id", "ms"], extra=True, gz=False)
    _write_warc(folder / "b.warc.gz", ["vi", "en"], extra=False, gz=True)
    (folder / "notes.txt").write_text("not an archive")
    return folder


def _key(record: dict) -> tuple:
    findings = sorted(json.dumps(f, sort_keys=True) for f in record["findings"])
    failure = (record.get("failure") or {}).get("reason")
    return record["url"], failure, tuple(findings), record["score"]


def test_two_tasks_give_the_records_of_newsaudit_audit(archives, tmp_path):
    from datatrove.executor import LocalPipelineExecutor

    out = tmp_path / "out"
    pipeline = audit_pipeline(str(archives), str(out))
    LocalPipelineExecutor(pipeline, tasks=2, workers=1, logging_dir=str(tmp_path / "logs")).run()
    files = sorted(out.glob("*.jsonl"))
    assert len(files) == 2  # one per task: each took one of the two archives
    cluster = [json.loads(line) for f in files for line in f.read_text(encoding="utf-8").splitlines()]

    warcs = [str(archives / "a.warc"), str(archives / "b.warc.gz")]
    cli = subprocess.run(
        [sys.executable, "-m", "audit.cli", "audit", "--json", "--jobs", "1", *warcs],
        capture_output=True,
        text=True,
        check=True,
    )
    single = [json.loads(line) for line in cli.stdout.splitlines()]

    assert len(cluster) == len(single) == 6  # every capture, one record each, none for warcinfo
    assert sorted(map(_key, cluster)) == sorted(map(_key, single))
    # the same records, source (archive#offset) included
    assert sorted(cluster, key=lambda r: r["source"]) == sorted(single, key=lambda r: r["source"])

    by_url = {r["url"]: r for r in cluster}
    assert by_url["https://warta.example/logo.png"]["failure"]["reason"] == "not_html"
    assert by_url["https://warta.example/gone.html"]["failure"]["reason"] == "http_404"
    assert "duplicate_paragraph" in {f["type"] for f in by_url[_url("id")]["findings"]}
    assert {by_url[_url(lang)]["language"] for lang in PAGES} == set(PAGES)


def test_cluster_records_validate_against_the_schema(archives, tmp_path):
    from datatrove.executor import LocalPipelineExecutor

    from audit.schema import errors

    out = tmp_path / "out"
    LocalPipelineExecutor(
        audit_pipeline(str(archives), str(out)), tasks=1, logging_dir=str(tmp_path / "l")
    ).run()
    records = [json.loads(line) for line in (out / "00000.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == 6
    assert [errors("audit-report", r) for r in records] == [[]] * 6


def test_a_bad_document_is_a_failure_record_never_an_exception(monkeypatch):
    from datatrove.data import Document

    import audit.cluster

    real = audit.cluster.extract_text

    def extract(text, url, language, source):
        if url == "https://x/1":
            raise RecursionError("maximum recursion depth exceeded")  # e.g. a pathologically nested page
        return real(text, url, language, source)

    monkeypatch.setattr(audit.cluster, "extract_text", extract)
    docs = [
        Document(text="<html><body><p>deep</p></body></html>", id="deep", metadata={"url": "https://x/1"}),
        Document(text="", id="empty", metadata={"url": "https://x/2"}),
        Document(
            text="x", id="failed", metadata={FAILURE_KEY: {"reason": "not_html", "detail": "image/png"}}
        ),
        Document(text=None, id="broken", metadata={"url": "https://x/4"}),  # type: ignore[arg-type]
        Document(text=_html("en").decode(), id="ok", metadata={"url": _url("en")}),
    ]
    out = list(NewsauditStep().run(iter(docs)))
    assert [d.id for d in out] == [d.id for d in docs]
    records = [d.metadata[RECORD_KEY] for d in out]
    reasons = [(r.get("failure") or {}).get("reason") for r in records]
    assert reasons == ["analysis_error", "empty_body", "not_html", "empty_body", None]
    assert "RecursionError" in records[0]["failure"]["detail"]
    assert [d.text for d in out[:4]] == [""] * 4
    assert PAGES["en"][2][2] in out[4].text and records[4]["url"] == _url("en")


def test_nothing_else_in_audit_imports_datatrove():
    code = (
        "import sys, pkgutil, importlib, audit\n"
        "for m in pkgutil.walk_packages(audit.__path__, 'audit.'):\n"
        "    if m.name != 'audit.cluster':\n"
        "        importlib.import_module(m.name)\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] == 'datatrove'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
