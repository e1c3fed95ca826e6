"""The batching converter, driven by a stand-in ``soffice`` (a script that writes fake PDFs
and records each run), so the batching logic is tested without LibreOffice's slowness."""

from __future__ import annotations

import asyncio
import io
import stat
import sys
from pathlib import Path

import docx
import pytest

from imc_documents.rendering.pdf import PdfConversionError, PdfConverter, WarmConverter

FAKE_SOFFICE = """#!{python}
import hashlib, pathlib, sys
args = sys.argv[1:]
outdir = pathlib.Path(args[args.index("--outdir") + 1])
sources = [pathlib.Path(a) for a in args[args.index("--outdir") + 2:]]
with open({log!r}, "a") as log:
    log.write(str(len(sources)) + "\\n")
for source in sources:
    content = source.read_bytes()
    if b"CRASH" in content:
        sys.exit(81)
    if b"BROKEN" in content:
        print("Error: source file could not be loaded", file=sys.stderr)
        continue
    digest = hashlib.sha256(content).hexdigest()
    (outdir / (source.stem + ".pdf")).write_bytes(b"%PDF-fake " + digest.encode())
"""


def runs(log: Path) -> list[int]:
    """How many documents each recorded soffice run got."""
    return [int(line) for line in log.read_text().split()] if log.exists() else []


@pytest.fixture
def fake(tmp_path: Path) -> tuple[PdfConverter, Path]:
    log = tmp_path / "runs.log"
    script = tmp_path / "soffice"
    script.write_text(FAKE_SOFFICE.format(python=sys.executable, log=str(log)))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return PdfConverter(str(script), profile_dir=tmp_path / "profile"), log


def document(text: str) -> bytes:
    buffer = io.BytesIO()
    doc = docx.Document()
    doc.add_paragraph(text)
    doc.save(buffer)
    return buffer.getvalue()


def broken(text: str) -> bytes:
    """A ZIP the stand-in refuses to convert (its bytes hold the marker)."""
    return b"PK\x03\x04" + text.encode()


async def test_convert_many_is_one_run_with_results_in_order(
    fake: tuple[PdfConverter, Path],
) -> None:
    converter, log = fake
    documents = [document(f"Участник {i}") for i in range(7)]
    results = await converter.convert_many(documents)
    assert runs(log) == [7]
    assert all(isinstance(r, bytes) and r.startswith(b"%PDF") for r in results)
    assert len(set(results)) == 7  # each result belongs to its own document
    single = await converter.convert(documents[3])
    assert single == results[3]


async def test_a_broken_document_is_retried_alone_and_reported(
    fake: tuple[PdfConverter, Path],
) -> None:
    converter, log = fake
    documents = [document("a"), broken("BROKEN"), b"not a docx", document("b")]
    results = await converter.convert_many(documents)
    assert isinstance(results[0], bytes) and isinstance(results[3], bytes)
    assert isinstance(results[1], PdfConversionError)
    assert "could not be loaded" in str(results[1])
    assert isinstance(results[2], PdfConversionError)
    assert "DOCX" in str(results[2])
    # One shared run of the three ZIPs, then the broken one alone: nothing silently dropped.
    assert runs(log) == [3, 1]


async def test_a_crashing_run_is_split_until_the_culprit_is_alone(
    fake: tuple[PdfConverter, Path],
) -> None:
    converter, log = fake
    documents = [document(str(i)) for i in range(3)] + [broken("CRASH")]
    results = await converter.convert_many(documents)
    assert [isinstance(r, bytes) for r in results] == [True, True, True, False]
    assert "81" in str(results[3])
    assert runs(log)[0] == 4 and sum(runs(log)) > 4


async def test_warm_converter_batches_concurrent_requests(
    fake: tuple[PdfConverter, Path],
) -> None:
    base, log = fake
    async with WarmConverter(base, max_batch=4, window=0.05) as converter:
        documents = [document(f"Сертификат {i}") for i in range(10)]
        results = await asyncio.gather(*(converter.convert(d) for d in documents))
        expected = await base.convert_many(documents)
        assert list(results) == expected
        # 10 queued documents, at most 4 per LibreOffice run: 3 runs, not 10.
        assert runs(log)[:3] == [4, 4, 2]
        assert converter.batches == 3
        with pytest.raises(PdfConversionError, match="could not be loaded"):
            await converter.convert(broken("BROKEN"))
        with pytest.raises(PdfConversionError, match="DOCX"):
            await converter.convert(b"garbage")
        many = await converter.convert_many([document("x"), broken("BROKEN")])
        assert isinstance(many[0], bytes) and isinstance(many[1], PdfConversionError)


async def test_warm_converter_stops_cleanly_and_restarts(
    fake: tuple[PdfConverter, Path],
) -> None:
    base, _ = fake
    converter = WarmConverter(base, max_batch=2, window=0)
    assert (await converter.convert(document("a"))).startswith(b"%PDF")
    await converter.stop()
    # A converter used again after stop starts a new worker.
    assert (await converter.convert(document("b"))).startswith(b"%PDF")
    await converter.stop()


async def test_several_libreoffices_share_the_queue(tmp_path: Path) -> None:
    log = tmp_path / "runs.log"
    script = tmp_path / "soffice"
    script.write_text(FAKE_SOFFICE.format(python=sys.executable, log=str(log)))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    converters = [PdfConverter(str(script), profile_dir=tmp_path / f"profile{i}") for i in range(2)]
    async with WarmConverter(converters, max_batch=3, window=0.05) as converter:
        documents = [document(f"Справка {i}") for i in range(9)]
        results = await converter.convert_many(documents)
    assert all(isinstance(r, bytes) for r in results)
    assert len(set(results)) == 9
    assert sum(runs(log)) == 9 and max(runs(log)) <= 3
