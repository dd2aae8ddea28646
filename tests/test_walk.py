"""Folder walks report every entry they pass over: symbolic link loops, dangling links, folders
named like documents, FIFOs, links into the walk; a hostile file name stays on one line, and
one whose bytes are not UTF-8 is ingested like any other (the command, in a real process)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.walk import documents, printable, walk

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "seeds" / "000_5d5e4ef2eda93763.txt"
OTHER = ROOT / "data" / "seeds" / "001_2e251b79a8ec35d8.txt"


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    """A folder with a document, and one of each entry a walk must pass over and say so."""
    root = tmp_path / "corpus"
    (root / "x.pdf").mkdir(parents=True)  # a folder named like a document, holding one
    (root / "sub").mkdir()
    (root / "a.txt").write_bytes(SEED.read_bytes())
    (root / "x.pdf" / "inner.txt").write_bytes(OTHER.read_bytes())
    (root / "notes.json").write_text("{}")  # not a document: passes silently
    os.symlink("..", root / "sub" / "up")  # a loop back to the root
    os.symlink("a.txt", root / "same.txt")  # a link to a file: read as that file
    os.symlink("nowhere.docx", root / "dead.docx")
    os.symlink("l2.txt", root / "l1.txt")
    os.symlink("l1.txt", root / "l2.txt")
    os.symlink("sub", root / "also")  # a second way into a folder of the walk
    os.mkfifo(root / "pipe.txt")  # reading it would wait for a writer for ever
    return root


def test_every_entry_passed_over_is_said(tree: Path) -> None:
    entries = list(walk([str(tree)]))
    said = {e.line().removeprefix(f"{tree}/") for e in entries if e.reason}
    assert said == {
        "also -> sub: a link to a folder this walk reads where it is",
        "dead.docx -> nowhere.docx: dangling symbolic link",
        "l1.txt -> l2.txt: a symbolic link loop",
        "l2.txt -> l1.txt: a symbolic link loop",
        "pipe.txt: not a document: a FIFO",
        "sub/up -> ..: a symbolic link loop",
        "x.pdf: a folder named like a .pdf file, walked as a folder",
    }
    assert [p.relative_to(tree).as_posix() for p in documents(entries)] == [
        "a.txt",
        "same.txt",
        "x.pdf/inner.txt",
    ]


def test_a_link_to_a_folder_outside_is_walked_once(tree: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "o.txt").write_bytes(OTHER.read_bytes())
    os.symlink(outside, tree / "sub" / "ext1")
    os.symlink(outside, tree / "sub" / "ext2")
    entries = list(walk([str(tree)]))
    docs = [p.relative_to(tree).as_posix() for p in documents(entries)]
    assert docs.count("sub/ext1/o.txt") == 1 and not any("ext2/" in d for d in docs)
    assert f"{tree}/sub/ext2: the same folder as {tree}/sub/ext1, walked once" in [e.line() for e in entries]


def test_named_files_are_taken_as_given(tree: Path) -> None:
    """A path named on the command line is read (and its reading says what is wrong)."""
    assert [e.path for e in walk([str(tree / "dead.docx")])] == [tree / "dead.docx"]


def test_names_stay_on_one_line() -> None:
    assert printable("a\nb\tc\x00d é") == "a\\nb\\tc\\x00d é"
    assert printable("Kế hoạch số 1.txt") == "Kế hoạch số 1.txt"


def test_ingest_says_what_it_skips(tree: Path, tmp_path: Path) -> None:
    (tree / "bad\nname.txt").write_bytes(b"\x00\x01\x02 binary")
    (tree / os.fsdecode(b"caf\xe9.txt")).write_bytes(OTHER.read_bytes().replace(b"01", b"02"))
    env = {**os.environ, "LINEAGE_CURATION": str(tmp_path / "none.json")}
    p = subprocess.run(
        [sys.executable, "-m", "lineage.cli", "ingest", str(tree), "--store", str(tmp_path / "store")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    assert p.returncode == 0, p.stderr
    lines = p.stderr.splitlines()
    assert all(ln.startswith(("skipped: ", "failed: ")) for ln in lines), p.stderr
    assert sum(ln.startswith("skipped: ") for ln in lines) == 7
    assert lines[-1] == f"failed: {tree}/bad\\nname.txt: binary file, not text"
    # a.txt, x.pdf/inner.txt and the one whose name is not UTF-8; same.txt repeats a.txt
    assert p.stdout.strip() == "ingested 3 document(s), 1 unchanged, 1 failed"
