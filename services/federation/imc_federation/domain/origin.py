"""Whose message is it? The broker's record of the link wins over the payload.

The centre's federation link writes the upstream it pulled a message from as the first
entry of the ``x-received-from`` header; a district cannot forge that entry. A message
that crossed a link is accepted only when that upstream is the one configured for the
district its envelope names. A message that crossed no link was published on the
centre's own broker (deploy binds the centre's ``imc.events`` into ``imc.districts``), so
it may only speak for the centre itself.
"""

from collections.abc import Mapping
from typing import Any

from imc_shared.origin import OriginMismatch, recorded_upstream, verify_link

__all__ = ["OriginMismatch", "recorded_upstream", "verify_origin"]


def verify_origin(
    headers: Mapping[str, Any],
    claimed_district: str,
    upstreams: Mapping[str, str],
    *,
    own_district: str,
) -> None:
    """Raise :class:`OriginMismatch` unless the message may speak for ``claimed_district``.

    ``upstreams`` maps each federated district to its upstream URI; ``own_district`` is
    the centre's code.
    """
    if recorded_upstream(headers) is None:
        if claimed_district != own_district:
            raise OriginMismatch(
                f"no x-received-from header: the message did not come over a link, "
                f"yet claims district {claimed_district!r}"
            )
        return
    expected = upstreams.get(claimed_district)
    if expected is None:
        raise OriginMismatch(f"district {claimed_district!r} is not federated here")
    try:
        verify_link(headers, expected)
    except OriginMismatch as error:
        raise OriginMismatch(f"message claims district {claimed_district!r}: {error}") from error
