"""The organisations import reads its uploaded table with the shared reader
(:mod:`imc_shared.table_files`); what the rows mean is decided in
:mod:`imc_registry.domain.imports`, whose header the reader looks for."""

from collections.abc import Sequence

from imc_registry.domain.imports import Row, locate_header
from imc_shared import table_files
from imc_shared.table_files import Table


def header_score(rows: Sequence[Row]) -> int:
    """How many columns of an organisations list the header among ``rows`` names."""
    header = locate_header(rows)
    return len(header.columns) if header else 0


def read_table(filename: str, content: bytes) -> Table:
    """The uploaded list of organisations as rows of text cells (at most 20,000 lines)."""
    return table_files.read_table(filename, content, header_score=header_score)
