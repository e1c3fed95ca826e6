"""The results import reads its uploaded table with the shared reader
(:mod:`imc_shared.table_files`); what the rows mean is decided in
:mod:`imc_analytics.domain.imports`, whose header the reader looks for."""

from collections.abc import Sequence
from typing import Final

from imc_analytics.domain.imports import Row, locate_header
from imc_shared import table_files
from imc_shared.table_files import Table

MAX_LINES: Final = 120_000
"""A regional centre's file: every school × exam × subject × task of a year or more."""


def header_score(rows: Sequence[Row]) -> int:
    """How many columns of a results file the header among ``rows`` names."""
    header = locate_header(rows)
    return len(header.columns) if header else 0


def read_table(filename: str, content: bytes) -> Table:
    """The uploaded results as rows of text cells (at most :data:`MAX_LINES` lines)."""
    return table_files.read_table(filename, content, header_score=header_score, max_lines=MAX_LINES)
