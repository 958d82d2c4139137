"""NATS JetStream through FastStream (生产模式): a stream, durable consumers, manual acks.

The stream ``FANZHA_TELECOM`` (file storage) keeps every subject under ``fanzha.telecom``; each
subject has a durable consumer, so a restarted worker resumes where the last one stopped and gets
again whatever it had not acknowledged (after ``ack_wait``); several workers may share it.
FastStream's batch pull subscriber fetches up to a batch at a time (waiting at most a few
milliseconds), the batch collector (batch_collector.py) hands batches to the handler while the
next fetch goes on, and each event is acknowledged after its batch's commit. (``consumer="push"``
gives a durable push consumer with a queue group instead: FastStream's pipeline then runs once per
event, measured at about 70% of the pull consumer's throughput.)

Publishing waits for the stream's acknowledgement and sets ``Nats-Msg-Id`` to the event id, so a
publish retried after a lost reply is stored once. The client reconnects by itself when the server
goes away and comes back; publishing meanwhile raises, and ``publish_retrying`` (publisher.py)
waits and tries again.
"""
from __future__ import annotations

import logging

from faststream.middlewares import AckPolicy
from faststream.nats import ConsumerConfig, JStream, NatsBroker, PullSub, StorageType
from faststream.nats.message import NatsBatchMessage
from nats.errors import TimeoutError as NatsTimeout

from fanzha.events import subjects
from fanzha.events.batch_collector import BatchCollector
from fanzha.events.delivery import BatchHandler
from fanzha.events.event_bus import DEFAULT_BATCH, DEFAULT_MAX_WAIT

log = logging.getLogger("fanzha.events")
DUPLICATE_WINDOW_S = 120.0


class NatsDelivery:
    """A JetStream message as a Delivery."""

    __slots__ = ("subject", "data", "_msg")

    def __init__(self, msg) -> None:
        self._msg = msg
        self.subject = msg.subject
        self.data = msg.data

    @property
    def attempt(self) -> int:
        """1 on the first delivery (read from the JetStream metadata only when asked)."""
        try:
            return int(self._msg.metadata.num_delivered)
        except Exception:  # noqa: BLE001 - a message without JetStream metadata is a first delivery
            return 1

    async def ack(self) -> None:
        if not self._msg._ackd:
            await self._msg.ack()

    async def nack(self, delay: float | None = None) -> None:
        if not self._msg._ackd:
            await self._msg.nak(delay=delay)


async def _raw_batch(messages) -> NatsBatchMessage:
    """The fetched messages as they are: the handler reads and validates the bytes itself, so
    FastStream's per-message parsing (headers, ids, JSON decoding) would be spent for nothing."""
    return NatsBatchMessage(raw_message=messages, body=b"", path={}, headers={}, batch_headers=[])


async def _no_body(message) -> None:
    return None


def _patch_fetch_timeout(subscription) -> None:
    """nats-py 2.16 ends a fetch whose deadline ran out with asyncio's TimeoutError where FastStream's
    batch loop expects nats' own: without this, the loop's supervisor restarts it and the events
    fetched so far wait a whole ack_wait before they come again."""
    if subscription is None or getattr(subscription, "_fanzha_patched", False):
        return
    fetch = subscription.fetch

    async def fetch_with_nats_timeout(*args, **kwargs):
        try:
            return await fetch(*args, **kwargs)
        except NatsTimeout:
            raise
        except TimeoutError as exc:
            raise NatsTimeout from exc

    subscription.fetch = fetch_with_nats_timeout
    subscription._fanzha_patched = True


class NatsBus:
    kind = "nats"

    def __init__(self, url: str, *, ack_wait: float = 30.0, stream: str = subjects.STREAM,
                 durable_prefix: str = "", publish_timeout: float = 2.0, connect_timeout: int = 3,
                 reconnect_wait: int = 1, consumer: str = "pull") -> None:
        self.url = url
        self.ack_wait = ack_wait
        self.consumer = consumer
        self.durable_prefix = durable_prefix
        self.publish_timeout = publish_timeout
        self.stream = JStream(name=stream, subjects=list(subjects.STREAM_SUBJECTS), storage=StorageType.FILE,
                              duplicate_window=DUPLICATE_WINDOW_S)
        self.broker = NatsBroker(url, max_reconnect_attempts=-1, reconnect_time_wait=reconnect_wait,
                                 connect_timeout=connect_timeout, logger=log,
                                 disconnected_cb=self._disconnected, reconnected_cb=self._reconnected)
        self._collectors: list[BatchCollector] = []
        self._pull_subscribers: list = []
        self._stopping = False

    async def _disconnected(self) -> None:
        if not self._stopping:
            log.warning("NATS connection lost; reconnecting (events stay in the stream, nothing is lost)")

    async def _reconnected(self) -> None:
        log.warning("NATS connection back; consuming and publishing resume")

    def subscribe(self, subject: str, handler: BatchHandler, *, batch_size: int = DEFAULT_BATCH,
                  max_wait: float = DEFAULT_MAX_WAIT) -> None:
        durable = self.durable_prefix + subjects.DURABLE.get(subject, subject.replace(".", "-"))
        config = ConsumerConfig(ack_wait=self.ack_wait, max_ack_pending=max(20_000, 4 * batch_size))
        # A pull fetch already waits (at most max_wait) for its batch to fill: the collector need not.
        collector = BatchCollector(subject, handler, batch_size, 0.0 if self.consumer == "pull" else max_wait)
        self._collectors.append(collector)

        context = self.broker.context
        if self.consumer == "pull":
            async def on_batch() -> None:
                # One pass through FastStream per fetched batch; the collector commits it.
                for msg in context.get_local("message").raw_message:
                    collector.add(NatsDelivery(msg))

            sub = self.broker.subscriber(subject, stream=self.stream, durable=durable, config=config,
                                         pull_sub=PullSub(batch_size=batch_size, timeout=max(max_wait, 0.001),
                                                          batch=True),
                                         parser=_raw_batch, decoder=_no_body, ack_policy=AckPolicy.MANUAL)
            sub(on_batch)
            self._pull_subscribers.append(sub)
            return

        async def on_event() -> None:
            # The message from FastStream's context directly: its Context() injection resolves
            # in a worker thread per message, which caps a consumer near 1,300 events/s.
            collector.add(NatsDelivery(context.get_local("message").raw_message))

        # A queue group on the durable consumer lets several workers share the subject.
        self.broker.subscriber(subject, queue=durable, stream=self.stream, durable=durable, config=config,
                               ack_policy=AckPolicy.MANUAL)(on_event)

    async def start(self) -> None:
        self._stopping = False
        for collector in self._collectors:
            collector.start()
        await self.broker.start()
        for sub in self._pull_subscribers:
            _patch_fetch_timeout(sub.subscription)

    async def connect(self) -> None:
        """Connect for publishing only, making sure the stream exists."""
        self._stopping = False
        await self.broker.connect()
        js = self.broker.config.connection_state.stream
        from nats.js.api import StreamConfig
        from nats.js.errors import NotFoundError

        try:
            await js.stream_info(self.stream.name)
        except NotFoundError:
            await js.add_stream(StreamConfig(name=self.stream.name, subjects=list(subjects.STREAM_SUBJECTS),
                                             storage=StorageType.FILE, duplicate_window=DUPLICATE_WINDOW_S))

    async def stop(self) -> None:
        self._stopping = True
        await self.broker.stop()
        for collector in self._collectors:
            await collector.stop()

    async def publish(self, subject: str, data: bytes, event_id: str | None = None) -> None:
        headers = {"Nats-Msg-Id": event_id} if event_id else None
        await self.broker.publish(data, subject, headers=headers, stream=self.stream.name,
                                  timeout=self.publish_timeout)
