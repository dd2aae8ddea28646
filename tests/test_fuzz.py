"""Hostile and broken files cost only themselves: the fuzz corpus ingested (a few hundred files),
a 1,000,000-character line through extraction, and each fault the fuzz found.

The corpus (:mod:`bench.fuzz_corpus`) mixes random and damaged files under every extension,
bombs, huge files, long lines and link loops with the good plans; :func:`bench.fuzz.run`
ingests it with the command in a child process and checks what ``python -m bench.fuzz
--files 10000`` checks at scale: the ingest finishes, every document is ingested or one line,
every entry the walk passes over is one line, every good plan is ingested, the memory of the
ingest's process tree stays bounded, and no file outlives the time limit per file.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

import pytest

from ingest import DocumentError, extract, read_document
from ingest.readers import Document
from ingest.text import normalize_document

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "seeds" / "000_5d5e4ef2eda93763.txt"
ODT = ROOT / "tests" / "fixtures" / "docs"


def _needs_soffice() -> None:
    if shutil.which("soffice") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (soffice) is missing under CI")
        pytest.skip("LibreOffice (soffice) is not installed")


def test_the_fuzz_corpus_is_ingested_file_by_file(tmp_path: Path) -> None:
    from bench.fuzz import report, run
    from ingest.curation import NOT_A_DOCUMENT

    _needs_soffice()
    out = run(files=240, seed=3, work=tmp_path, workers=2, timeout=4.0, max_rss_mb=4096.0)
    s = out["summary"]
    assert not out["problems"], report(out)
    m = out["manifest"]
    good_in, good = map(int, s["good_ingested"].split("/"))
    assert good_in == good == m.good and good > 100
    # every entry is accounted for: ingested, or one line (failed: or skipped:)
    lines = out["run"]["stderr"].splitlines()
    walk_lines = [ln for ln in lines if ln.startswith("skipped: ") and not ln.endswith(NOT_A_DOCUMENT)]
    assert len(walk_lines) == m.skipped == 10
    for kind in (
        "symlink-loop",
        "dangling-symlink",
        "folder-named-like-a-file",
        "zip-bomb",
        "long-line",
        "empty",
    ):
        c = out["kinds"][kind]
        assert c["reported"] == c["files"], (kind, c)
    assert any(ln.endswith("dead.docx -> nowhere.docx: dangling symbolic link") for ln in lines)
    assert any("loops/up -> ..: a symbolic link loop" in ln for ln in lines)
    assert any("bad\\nname.txt: binary file, not text" in ln for ln in lines)
    # only what needs more than the limit is stopped there (a 40-page scan, a PDF that inflates
    # to 100 MB, a document LibreOffice chokes on), each reported by the ingest too
    assert all(Path(p).suffix in (".tif", ".pdf", ".doc", ".odt", ".rtf") for p in out["stopped"]), out[
        "stopped"
    ]
    assert s["max_file_s"] < 4.0 * 1.5 + 2


@pytest.mark.parametrize(
    "unit",
    [
        "Kế hoạch số 1-KH/TU ",
        "Căn cứ Kết luận số 70-KL/TW ngày 31/01/2024 của Bộ Chính trị, ",
        "Thực hiện ",
        '"(',
        "100% đạt 90% năm 2025; ",
        "1/",
        "Ban Thường vụ Tỉnh ủy ",
        "a",
    ],
)
def test_a_million_character_line_is_extracted_in_linear_time(
    unit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader refuses a line this long (LINEAGE_MAX_LINE_CHARS); past that bound, no
    pattern of the extraction may grow faster than the line: 1,000,000 characters cost about
    ten times what a tenth of them does (a square would be a hundred)."""
    seed = SEED.read_text("utf-8")
    extract(read_document(SEED))  # the gazetteer and patterns built: no line's time

    def cost(n: int) -> float:
        line = (unit * (n // len(unit) + 1))[:n]
        t = time.perf_counter()
        for raw in (seed + "\n" + line + "\n", line):  # after a plan, and alone
            extract(Document("x", raw, normalize_document(raw), hashlib.sha256(raw.encode()).hexdigest()))
        return time.perf_counter() - t

    small, big = cost(100_000), cost(1_000_000)
    assert big < 20.0, big  # some 0.5-5 s on a busy 2-core machine
    assert big < 20 * small + 0.5, (small, big)  # linear: about 10x


def test_the_reader_refuses_a_million_character_line(tmp_path: Path) -> None:
    f = tmp_path / "line.txt"
    f.write_text(SEED.read_text("utf-8") + "x" * 1_000_000 + "\n", "utf-8")
    with pytest.raises(DocumentError, match="a line of 1,00.* characters is over the limit"):
        read_document(f)


def test_a_fifo_is_refused_not_waited_for(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    t = time.perf_counter()
    with pytest.raises(DocumentError, match="not a regular file"):
        read_document(fifo)
    assert time.perf_counter() - t < 1


def test_an_office_file_interrupted_by_the_time_limit_costs_only_itself(tmp_path: Path) -> None:
    """The time limit per file interrupts a LibreOffice conversion: the next office file gets
    its own text (before the fix it got the interrupted file's late answer, or waited for it
    until its own limit, and so did every office file after it in that worker)."""
    from ingest import limits
    from ingest.office import read_office, shutdown

    _needs_soffice()
    slow = tmp_path / "long.rtf"  # some 40,000 paragraphs: LibreOffice takes seconds on it
    para = r"Ke hoach so 1-KH/TU, phat trien the duc the thao trong giai doan moi\par "
    slow.write_text(r"{\rtf1\ansi " + para * 40_000 + "}", "ascii")
    b = ODT / "001_2e251b79a8ec35d8.rtf"
    try:
        want_b = read_office(b)  # LibreOffice started, and what b reads as
        limits.enter(None, 0.5, 0)
        try:
            with pytest.raises(limits.TimeLimit), limits.item(0):
                read_office(slow)
        finally:
            limits.leave()
        t = time.perf_counter()
        assert read_office(b) == want_b
        assert time.perf_counter() - t < 30  # a fresh LibreOffice, not the busy one
    finally:
        shutdown()
