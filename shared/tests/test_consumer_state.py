"""What ``/ready`` concludes from a queue's consumer state (no broker needed)."""

from imc_contracts import ROADMAP_OPENED, SITE_STATUS_CHANGED
from imc_shared.broker import make_broker
from imc_shared.consumer import Consumers, SubscriptionState
from imc_shared.db import Database


def test_a_consumer_counts_only_while_its_channel_holds_it() -> None:
    state = SubscriptionState("svc.q")
    assert not state.ok
    state.consuming, state.up_since = True, 100.0
    assert state.ok
    assert state.confirmed is None


def test_the_broker_may_lag_just_after_a_recovery_but_not_longer() -> None:
    state = SubscriptionState("svc.q", consuming=True, up_since=100.0)
    state.broker_consumers, state.probed_at = 0, 100.5  # too early to trust
    assert state.confirmed is None
    assert state.ok
    state.probed_at = 100.0 + state.confirm_after  # the broker still counts nobody
    assert state.confirmed is False
    assert not state.ok
    state.broker_consumers = 1
    assert state.confirmed is True
    assert state.ok
    state.broker_consumers, state.probe_error = None, "TimeoutError()"
    assert not state.ok
    report = state.report(now=110.0)
    assert report["consuming"] is False
    assert report["consumer_registered"] is True
    assert report["broker_confirms"] is False


async def test_consumers_report_every_queue_before_the_broker_starts() -> None:
    broker = make_broker("amqp://127.0.0.1:1/")
    consumers = Consumers(
        broker=broker,
        database=Database("sqlite+aiosqlite:///:memory:"),
        publisher=None,  # type: ignore[arg-type]
        service="svc",
    )

    async def handler(*_: object) -> None:
        return None

    queues = [consumers.subscribe(ROADMAP_OPENED, handler)]
    queues.append(consumers.subscribe(SITE_STATUS_CHANGED, handler))
    consuming, report = await consumers.health()
    assert consuming is False
    assert list(report) == queues == consumers.queues
    assert all(entry["consuming"] is False for entry in report.values())
    assert set(consumers.states) == set(queues)
