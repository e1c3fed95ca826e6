"""Golden examples are tested both ways; the AsyncAPI document stays current."""

import json
from uuid import UUID

import msgspec
import pytest

from imc_contracts import ALL_MESSAGES, BY_ROUTING_KEY, DECISION_MADE, SITE_STATUS_CHANGED, names
from imc_contracts.asyncapi import DOCUMENT_PATH, render
from imc_contracts.examples import example, golden_path


@pytest.mark.parametrize("message", ALL_MESSAGES, ids=lambda m: m.routing_key)
def test_golden_decodes_to_example(message):
    decoded = message.decode(golden_path(message).read_bytes())
    assert decoded == example(message)


@pytest.mark.parametrize("message", ALL_MESSAGES, ids=lambda m: m.routing_key)
def test_example_encodes_to_golden(message):
    encoded = json.loads(msgspec.json.encode(example(message)))
    assert encoded == json.loads(golden_path(message).read_bytes())


@pytest.mark.parametrize("message", ALL_MESSAGES, ids=lambda m: m.routing_key)
def test_new_envelope_round_trips(message):
    payload = example(message).payload
    envelope = message.new(payload, district="mariinsk", source="test")
    assert envelope.id.version == 7
    assert envelope.occurred_at.utcoffset() is not None
    assert message.decode(msgspec.json.encode(envelope)) == envelope


def test_routing_keys_follow_the_naming_rule():
    for key, message in BY_ROUTING_KEY.items():
        service, entity, event, version = key.split(".")
        assert version == f"v{message.version}"
        assert all((service, entity, event))
    assert SITE_STATUS_CHANGED.routing_key == names.SITE_STATUS_CHANGED_V1
    assert DECISION_MADE.routing_key == names.DECISION_MADE_V1


def test_decode_rejects_a_message_of_another_type():
    data = golden_path(SITE_STATUS_CHANGED).read_bytes()
    with pytest.raises(msgspec.ValidationError):
        DECISION_MADE.decode(data)


def test_decode_rejects_a_missing_field_naming_it():
    raw = json.loads(golden_path(SITE_STATUS_CHANGED).read_bytes())
    del raw["payload"]["topic"]
    with pytest.raises(msgspec.ValidationError, match="topic"):
        SITE_STATUS_CHANGED.decode(json.dumps(raw).encode())


def test_unknown_fields_are_ignored_for_additive_evolution():
    raw = json.loads(golden_path(SITE_STATUS_CHANGED).read_bytes())
    raw["payload"]["added_later"] = "x"
    decoded = SITE_STATUS_CHANGED.decode(json.dumps(raw).encode())
    assert decoded.payload.site_id == UUID(raw["payload"]["site_id"])


def test_asyncapi_document_is_current():
    assert DOCUMENT_PATH.read_bytes() == render(), "run: uv run python -m imc_contracts.asyncapi"


def test_asyncapi_lists_every_message():
    document = json.loads(render())
    assert set(document["components"]["messages"]) == set(BY_ROUTING_KEY)


def test_every_site_kind_has_rules_and_every_ground_a_title() -> None:
    from typing import get_args

    from imc_contracts.messages import SiteKind
    from imc_contracts.site_kinds import SITE_KINDS
    from imc_contracts.vocabulary import SITE_KIND_TITLES, TERMINATION_GROUNDS

    assert set(SITE_KINDS) == set(get_args(SiteKind)) == set(SITE_KIND_TITLES)
    for code, rules in SITE_KINDS.items():
        assert rules.code == code
        assert 1 <= rules.min_term_months <= rules.max_term_months
        assert "other" in rules.termination_grounds
        assert set(rules.termination_grounds) <= set(TERMINATION_GROUNDS)
        assert rules.eligibility


def _field_paths(struct_type: type) -> set[str]:
    """Dotted paths of every field of a payload Struct, nested Structs included."""
    import msgspec.inspect as mi

    def walk(info: mi.Type, prefix: str) -> set[str]:
        if isinstance(info, mi.UnionType):
            return set().union(*(walk(t, prefix) for t in info.types))
        if isinstance(info, mi.VarTupleType | mi.TupleType | mi.ListType):
            item = info.item_type if hasattr(info, "item_type") else None
            return walk(item, prefix) if item is not None else set()
        if isinstance(info, mi.StructType):
            paths: set[str] = set()
            for f in info.fields:
                path = f"{prefix}{f.name}"
                paths.add(path)
                paths |= walk(f.type, f"{path}.")
            return paths
        return set()

    return walk(mi.type_info(struct_type), "")


@pytest.mark.parametrize(
    "crossing",
    [
        *__import__("imc_contracts.federation").federation.UPWARD,
        *__import__("imc_contracts.federation").federation.DOWNWARD,
    ],
    ids=lambda c: c.routing_key,
)
def test_a_message_crossing_a_link_carries_only_allowlisted_fields(crossing):
    carried = _field_paths(crossing.message.payload)
    assert carried - crossing.fields == set(), (
        f"{crossing.routing_key} carries fields not allowed over the link; "
        "add them to imc_contracts.federation with a reason, or leave them out"
    )
    assert set(crossing.personal) <= crossing.fields


def test_the_allowlist_check_catches_a_new_field():
    from imc_contracts.federation import upward

    crossing = upward(SITE_STATUS_CHANGED.routing_key)
    assert crossing is not None

    class Leaky(msgspec.Struct):
        site_id: UUID
        leader_phone: str

    assert _field_paths(Leaky) - crossing.fields == {"leader_phone"}


def test_personal_registry_data_never_crosses_upward():
    from imc_contracts import PERSON_UPSERTED
    from imc_contracts.federation import UPWARD_KEYS

    assert PERSON_UPSERTED.routing_key not in UPWARD_KEYS
