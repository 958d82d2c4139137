"""The event backbone (事件流): call and SMS records arriving live, screened as they arrive.

``FANZHA_BROKER_URL=nats://...`` runs on NATS JetStream through FastStream (a stream, durable
pull consumers, acknowledgement after the store commits); unset, the same handler runs on a
small in-process broker for the embedded demo and the tests.
"""
