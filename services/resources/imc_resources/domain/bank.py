"""The centre's bank of best resources (фонд лучших ресурсов ММЦ, 002 §2.5, §4.3) and each
district's copy of it: one entry per resource, the highest version wins, and a withdrawal
wins over a publication of the same version, so the result is the same whatever the
order and number of arrivals."""

import hashlib
from collections.abc import Mapping
from typing import Final

from imc_contracts import ResourceFile
from imc_resources.domain.files import FileType, detect
from imc_shared.errors import InvalidInput
from imc_shared.origin import OriginMismatch, normalise, recorded_upstream

ENTRY_STATUS_TITLES: Final = {"published": "в банке ММЦ", "withdrawn": "снят из банка ММЦ"}


def supersedes(version: int, withdrawn: bool, current: tuple[int, bool] | None) -> bool:
    """Whether a change (``version``, withdrawn or not) replaces the entry's
    ``current`` (version, withdrawn); None: no entry yet."""
    if current is None:
        return True
    current_version, current_withdrawn = current
    if version != current_version:
        return version > current_version
    return withdrawn and not current_withdrawn


class BadPublication(ValueError):
    """A publication that cannot be kept (it is refused for good)."""


def check_file(item: ResourceFile) -> FileType:
    """A file that arrived with a publication: intact and of a type the bank takes."""
    if len(item.content) != item.size:
        raise BadPublication(f"file {item.name!r}: size {len(item.content)} != {item.size}")
    if hashlib.sha256(item.content).hexdigest() != item.sha256:
        raise BadPublication(f"file {item.name!r}: sha256 mismatch")
    try:
        return detect(item.name, item.content)
    except InvalidInput as error:
        raise BadPublication(error.message) from error


def district_of_link(headers: Mapping[str, object], upstreams: Mapping[str, str]) -> str:
    """The district whose federation link brought a message (by the upstream the broker
    recorded, never by what the message says)."""
    recorded = recorded_upstream(headers)
    if recorded is None:
        raise OriginMismatch("no x-received-from header: the message did not come over a link")
    actual = normalise(recorded)
    for code, upstream in upstreams.items():
        if normalise(upstream) == actual:
            return code
    raise OriginMismatch(f"came from {recorded}, which is no federated district's upstream")
