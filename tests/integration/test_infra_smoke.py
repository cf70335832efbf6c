"""The test infrastructure itself: a real KRaft broker and a real Redis server answer."""
from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import KafkaTimeoutError, UnknownTopicOrPartitionError


async def test_kafka_topic_create_produce_consume(kafka_bootstrap: str, unique_prefix: str) -> None:
    topic = f"{unique_prefix}smoke"
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1)])
        # A KRaft broker accepts the creation before every node's metadata cache lists the topic
        # (seen once in CI: listed a moment later): wait for it, a bounded time
        listed = False
        for _ in range(50):
            if topic in await admin.list_topics():
                listed = True
                break
            await asyncio.sleep(0.2)
        assert listed, f"{topic} not listed 10 s after it was created"
    finally:
        await admin.close()

    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    try:
        md = await producer.send_and_wait(topic, b'{"hello": "kafka"}', key=b"article-1")
    finally:
        await producer.stop()

    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=kafka_bootstrap,
        group_id=f"{unique_prefix}group",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        msg = await asyncio.wait_for(consumer.getone(), timeout=60)
        await consumer.commit()
    finally:
        await consumer.stop()
    assert (msg.key, msg.value) == (b"article-1", b'{"hello": "kafka"}')
    assert (msg.partition, msg.offset) == (md.partition, md.offset)


async def test_kafka_auto_topic_creation_is_off(kafka_bootstrap: str, unique_prefix: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        [resp] = await admin.describe_configs([ConfigResource(ConfigResourceType.BROKER, "1")])
        configs = {name: value for name, value, *_ in resp.resources[0][4]}
        assert configs["auto.create.topics.enable"] == "false"

        missing = f"{unique_prefix}never-created"
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, request_timeout_ms=3000)
        await producer.start()
        try:
            with pytest.raises((KafkaTimeoutError, UnknownTopicOrPartitionError, asyncio.TimeoutError)):
                await asyncio.wait_for(producer.send_and_wait(missing, b"x"), timeout=4)
        finally:
            await producer.stop()
        assert missing not in await admin.list_topics()
    finally:
        await admin.close()


async def test_redis_set_get(redis_url: str, unique_prefix: str) -> None:
    r = aioredis.from_url(redis_url)
    try:
        assert await r.ping()
        await r.set(f"{unique_prefix}k", "v", ex=60)
        assert await r.get(f"{unique_prefix}k") == b"v"
    finally:
        await r.aclose()
