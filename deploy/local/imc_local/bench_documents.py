"""Documents benchmark: N certificates as DOCX+PDF, the service's way against the naive way,
measured in the same run on the same machine.

- new: render the DOCX files (docxtpl, QR code) in a thread and queue each for the
  service's :class:`WarmConverter`, which converts whatever is queued in one LibreOffice
  run (up to the batch size) with one reused user profile, while rendering goes on;
- naive: render one DOCX, convert it with a cold converter (a fresh ``soffice`` run with a
  fresh profile), next document.

``--naive-sample K`` times only K naive documents and extrapolates to N (the naive way
costs about 1.5–2 s per document on two cores: 500 take a quarter of an hour); the report
says so when it does.

Run: ``uv run python -m imc_local.bench_documents [N] [--naive-sample K] [--batch-size B]
[--instances I]``.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import time
from collections.abc import Sequence
from datetime import date, timedelta

from imc_documents.domain.awards import CertificateData, certificate_context
from imc_documents.domain.common import Letterhead
from imc_documents.rendering.docx import render_docx
from imc_documents.rendering.pdf import PdfConverter, WarmConverter
from imc_documents.rendering.qr import qr_image
from imc_documents.templates import CERTIFICATE

LETTERHEAD = Letterhead(
    authority="МБУ «ИМЦ» Яйского муниципального округа",
    district_name="Яйский муниципальный округ",
    place="пгт Яя",
    signatory_name="Сладкова Наталья Александровна",
)
_SURNAMES = ("Кузнецова", "Петров", "Смирнова", "Иванов", "Соколова", "Попов", "Лебедева")
_NAMES = ("Мария Ивановна", "Пётр Сергеевич", "Анна Викторовна", "Олег Павлович")


def certificate_docx(index: int) -> bytes:
    """The DOCX of the index-th certificate (distinct name, number and QR code)."""
    number = f"{index // 10000:04d}-{index % 10000:04d}"
    url = f"https://imc.example/verify/{number}"
    data = CertificateData(
        participant_name=f"{_SURNAMES[index % len(_SURNAMES)]} {_NAMES[index % len(_NAMES)]}",
        participant_position="учитель математики",
        participant_organisation=f"МБОУ «СОШ № {index % 40 + 1}»",
        event_form="муниципальный семинар",
        event_title="Формирующее оценивание на уроках математики",
        event_date=date(2021, 12, 20) + timedelta(days=index % 30),
        hours=6,
    )
    context = certificate_context(data, LETTERHEAD, number=number, verify_url=url)
    return render_docx(CERTIFICATE, context, images={"qr": qr_image(url)})


def _check(pdfs: Sequence[bytes | BaseException]) -> None:
    failed = [r for r in pdfs if not isinstance(r, bytes) or not r.startswith(b"%PDF")]
    if failed:
        raise SystemExit(f"{len(failed)} conversions failed: {failed[0]!r}")


async def new_way(count: int, batch_size: int, instances: int) -> float:
    """Render ``count`` certificates and convert them through the warm, batching converter."""
    started = time.perf_counter()
    converters = [PdfConverter() for _ in range(instances)]
    async with WarmConverter(converters, max_batch=batch_size) as converter:
        # Render in a thread while LibreOffice converts what is already queued: the
        # documents that pile up during one run make the next batch.
        conversions = []
        for index in range(count):
            docx = await asyncio.to_thread(certificate_docx, index)
            conversions.append(asyncio.ensure_future(converter.convert(docx)))
        pdfs: list[bytes | BaseException] = list(
            await asyncio.gather(*conversions, return_exceptions=True)
        )
    elapsed = time.perf_counter() - started
    _check(pdfs)
    return elapsed


async def naive_way(count: int) -> float:
    """Render and convert ``count`` certificates, each with a cold converter."""
    started = time.perf_counter()
    pdfs: list[bytes | BaseException] = []
    for index in range(count):
        docx = certificate_docx(index)
        async with PdfConverter() as converter:
            pdfs.append(await converter.convert(docx))
    elapsed = time.perf_counter() - started
    _check(pdfs)
    return elapsed


def _peak_mib(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: kilobytes


async def run(count: int, naive_sample: int | None, batch_size: int, instances: int) -> None:
    """Measure both ways and print the times, the ratio and the peak memory."""
    print(
        f"documents bench: {count} certificates as DOCX+PDF "
        f"(batch size {batch_size}, {instances} LibreOffice)"
    )
    new_seconds = await new_way(count, batch_size, instances)
    new_children = _peak_mib(resource.RUSAGE_CHILDREN)
    print(
        f"  new   (warm, batched converter): {new_seconds:8.1f} s  "
        f"{new_seconds / count * 1000:7.0f} ms/document"
    )
    sample = min(count, naive_sample) if naive_sample else count
    naive_measured = await naive_way(sample)
    naive_seconds = naive_measured * count / sample
    note = f"  (measured on {sample}, extrapolated to {count})" if sample < count else ""
    print(
        f"  naive (cold converter per doc):  {naive_seconds:8.1f} s  "
        f"{naive_seconds / count * 1000:7.0f} ms/document{note}"
    )
    print(f"  ratio naive/new: {naive_seconds / new_seconds:.1f}x faster")
    print(
        f"  peak RSS: bench process {_peak_mib(resource.RUSAGE_SELF):.0f} MiB; "
        f"LibreOffice {new_children:.0f} MiB in the batched phase, "
        f"{_peak_mib(resource.RUSAGE_CHILDREN):.0f} MiB overall"
    )


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and run the benchmark."""
    parser = argparse.ArgumentParser(prog="imc_local.bench_documents", description=__doc__)
    parser.add_argument("count", nargs="?", type=int, default=500, help="certificates (500)")
    parser.add_argument(
        "--naive-sample",
        type=int,
        default=None,
        help="time only this many naive conversions and extrapolate (default: all N)",
    )
    parser.add_argument("--batch-size", type=int, default=50, help="documents per run (50)")
    parser.add_argument(
        "--instances", type=int, default=1, help="LibreOffice processes side by side (1)"
    )
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("count must be positive")
    asyncio.run(run(args.count, args.naive_sample, args.batch_size, max(1, args.instances)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
