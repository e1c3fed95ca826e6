"""The centre trusts the broker's record of the link, not the payload."""

import pytest

from imc_federation.domain.origin import OriginMismatch, verify_origin

UPSTREAMS = {"yaya": "amqp://10.0.0.5:5672", "mariinsk": "amqp://10.0.0.6"}


def received(uri: str) -> dict[str, object]:
    return {
        "x-received-from": [
            {
                "uri": uri,
                "exchange": "imc.districts",
                "cluster-name": "anything",
                "redelivered": False,
            }
        ]
    }


def test_matching_origin_passes() -> None:
    verify_origin(received("amqp://10.0.0.5:5672"), "yaya", UPSTREAMS)
    verify_origin(received("amqp://10.0.0.6:5672"), "mariinsk", UPSTREAMS)


def test_message_from_another_districts_link_is_refused() -> None:
    with pytest.raises(OriginMismatch, match=r"came from amqp://10\.0\.0\.6"):
        verify_origin(received("amqp://10.0.0.6:5672"), "yaya", UPSTREAMS)


def test_message_without_a_link_record_is_refused() -> None:
    with pytest.raises(OriginMismatch, match="did not come over a link"):
        verify_origin({}, "yaya", UPSTREAMS)


def test_unknown_district_is_refused() -> None:
    with pytest.raises(OriginMismatch, match="not federated"):
        verify_origin(received("amqp://10.0.0.9:5672"), "tisul", UPSTREAMS)


def test_cluster_name_is_not_trusted() -> None:
    headers = received("amqp://10.0.0.6:5672")
    headers["x-received-from"][0]["cluster-name"] = "imc-yaya"  # type: ignore[index]
    with pytest.raises(OriginMismatch):
        verify_origin(headers, "yaya", UPSTREAMS)
