"""The centre trusts the broker's record of the link, not the payload."""

import pytest

from imc_federation.domain.origin import OriginMismatch, verify_origin

UPSTREAMS = {"yaya": "amqp://10.0.0.5:5672", "mariinsk": "amqp://10.0.0.6"}
CENTRE = "buguruslan"


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
    verify_origin(received("amqp://10.0.0.5:5672"), "yaya", UPSTREAMS, own_district=CENTRE)
    verify_origin(received("amqp://10.0.0.6:5672"), "mariinsk", UPSTREAMS, own_district=CENTRE)


def test_message_from_another_districts_link_is_refused() -> None:
    with pytest.raises(OriginMismatch, match=r"came from amqp://10\.0\.0\.6"):
        verify_origin(received("amqp://10.0.0.6:5672"), "yaya", UPSTREAMS, own_district=CENTRE)


def test_message_without_a_link_record_speaks_only_for_the_centre() -> None:
    verify_origin({}, CENTRE, UPSTREAMS, own_district=CENTRE)
    with pytest.raises(OriginMismatch, match="did not come over a link"):
        verify_origin({}, "yaya", UPSTREAMS, own_district=CENTRE)


def test_the_centres_code_over_a_link_is_refused() -> None:
    with pytest.raises(OriginMismatch, match="not federated"):
        verify_origin(received("amqp://10.0.0.5:5672"), CENTRE, UPSTREAMS, own_district=CENTRE)


def test_unknown_district_is_refused() -> None:
    with pytest.raises(OriginMismatch, match="not federated"):
        verify_origin(received("amqp://10.0.0.9:5672"), "tisul", UPSTREAMS, own_district=CENTRE)


def test_cluster_name_is_not_trusted() -> None:
    headers = received("amqp://10.0.0.6:5672")
    headers["x-received-from"][0]["cluster-name"] = "imc-yaya"  # type: ignore[index]
    with pytest.raises(OriginMismatch):
        verify_origin(headers, "yaya", UPSTREAMS, own_district=CENTRE)


def test_two_districts_in_two_vhosts_of_one_node_are_told_apart() -> None:
    upstreams = {
        "district01": "amqp://127.0.0.1:5672/district01",
        "district02": "amqp://127.0.0.1:5672/district02",
        "yaya": "amqp://127.0.0.1:5673",
    }
    over_01 = {"x-received-from": [{"uri": "amqp://127.0.0.1:5672/district01"}]}
    verify_origin(over_01, "district01", upstreams, own_district="centre")
    with pytest.raises(OriginMismatch):
        verify_origin(over_01, "district02", upstreams, own_district="centre")
    default_vhost = {"x-received-from": [{"uri": "amqp://127.0.0.1:5673"}]}
    verify_origin(default_vhost, "yaya", {"yaya": "amqp://127.0.0.1:5673/"}, own_district="c")
    verify_origin(default_vhost, "yaya", {"yaya": "amqp://127.0.0.1:5673/%2F"}, own_district="c")
