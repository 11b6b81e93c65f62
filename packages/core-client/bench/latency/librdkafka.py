"""librdkafka (Debian's python3-confluent-kafka) in the latency benchmark, run with /usr/bin/python3.

  librdkafka.py producer '<job json>'   the open loop of open-loop.ts: one produce() per record when due
  librdkafka.py consumer '<job json>'   a poll loop timing each record as poll() returns it

Same record layout (record.ts), stdio protocol (consumer-side.ts: READY, END <n>, LATENCY_RESULT) and
result shape as the Node workers. The producer runs with linger.ms=0 (librdkafka's default is 5) and
acks=all; the consumer with librdkafka's defaults (fetch.wait.max.ms 500, fetch.min.bytes 1).
"""
import json
import math
import os
import struct
import sys
import threading
import time

from confluent_kafka import Consumer, Producer

RECORD_BYTES = 1024
HEAD = struct.Struct('<ddIB')
PROBE, WARMUP, MEASURED = 0, 1, 2
GIVE_UP_FACTOR = 1.5
ACK_WAIT_S = 10
DRAIN_S = 10


def wall_ms():
    return time.time() * 1000.0


def template():
    body = bytearray(RECORD_BYTES)
    for i in range(24, RECORD_BYTES):
        body[i] = (i * 31 + 7) & 0xFF
    return body


def summarize(samples):
    n = len(samples)
    if n == 0:
        return {'count': 0, 'p50': None, 'p99': None, 'p999': None, 'max': None}
    s = sorted(samples)

    def at(q):
        return s[min(n - 1, max(0, math.ceil(q * n) - 1))]

    return {'count': n, 'p50': at(0.5), 'p99': at(0.99), 'p999': at(0.999), 'max': s[-1]}


def cpu_seconds():
    t = os.times()
    return t.user + t.system


def cpu_wait_ms():
    try:
        with open('/proc/self/schedstat') as f:
            return int(f.read().split()[1]) / 1e6
    except OSError:
        return float('nan')


def report(result):
    sys.stdout.write('LATENCY_RESULT ' + json.dumps(result) + '\n')
    sys.stdout.flush()


def produce(job):
    producer = Producer({
        'bootstrap.servers': ','.join(job['bootstrap']),
        'linger.ms': 0,
        'acks': 'all',
        'queue.buffering.max.messages': 1_000_000,
    })
    body = template()
    state = {'acked': 0, 'failed': 0, 'first_error': None}
    ack_latency = []

    def delivered(err, msg):
        if err is None:
            state['acked'] += 1
            scheduled, _called, _seq, kind = HEAD.unpack_from(msg.value(), 0)
            if kind == MEASURED:
                ack_latency.append(wall_ms() - scheduled)
        else:
            state['failed'] += 1
            state['first_error'] = state['first_error'] or str(err)

    now = wall_ms()
    HEAD.pack_into(body, 0, now, now, 0, PROBE)
    producer.produce(job['topic'], bytes(body), callback=delivered)
    producer.flush(30)
    state['acked'] = 0
    rate = job['rate']
    interval = 1000.0 / rate
    warmup = round(rate * job['warmupMs'] / 1000)
    measured = round(rate * job['durationMs'] / 1000)
    total = warmup + measured
    lag = []
    cpu0 = cpu_seconds()
    wait0 = cpu_wait_ms()
    t0 = wall_ms() + 5
    give_up = t0 + (job['warmupMs'] + job['durationMs']) * GIVE_UP_FACTOR
    i = 0
    last_call = 0.0
    while i < total:
        due = min(total, math.floor((wall_ms() - t0) / interval) + 1)
        stop = False
        while i < due:
            scheduled = t0 + i * interval
            now = wall_ms()
            if now > give_up:
                stop = True
                break
            kind = MEASURED if i >= warmup else WARMUP
            if kind == MEASURED:
                lag.append(now - scheduled)
            HEAD.pack_into(body, 0, scheduled, now, i, kind)
            while True:
                try:
                    producer.produce(job['topic'], bytes(body), callback=delivered)
                    break
                except BufferError:
                    producer.poll(0.001)
            i += 1
            last_call = now
        if stop:
            break
        producer.poll(0)
        if i < total:
            wait = (t0 + i * interval - wall_ms()) / 1000.0
            if wait > 0:
                time.sleep(wait)
    loop_ms = wall_ms() - t0
    cpu = cpu_seconds() - cpu0
    wait = cpu_wait_ms() - wait0
    producer.flush(ACK_WAIT_S)
    sent = max(0, i - warmup)
    measured_start = t0 + warmup * interval
    return {
        'ok': True,
        'sent': sent,
        'unsent': measured - sent,
        'targetRate': rate,
        'achievedRate': sent * 1000.0 / (last_call - measured_start + interval) if sent > 0 else 0,
        'sendLag': summarize(lag),
        'ackLatency': summarize(ack_latency),
        'acked': state['acked'],
        'failed': state['failed'],
        'firstError': state['first_error'],
        'cpuPct': cpu * 1000.0 / loop_ms * 100,
        'cpuWaitPct': wait / loop_ms * 100,
    }


def consume(job):
    consumer = Consumer({
        'bootstrap.servers': ','.join(job['bootstrap']),
        'group.id': job['groupId'],
        'auto.offset.reset': 'earliest',
        'enable.auto.commit': True,
    })
    consumer.subscribe([job['topic']])
    expected = {'n': -1}

    def read_end():
        for line in sys.stdin:
            words = line.split()
            if len(words) == 2 and words[0] == 'END':
                expected['n'] = int(words[1])
                return

    threading.Thread(target=read_end, daemon=True).start()
    from_scheduled = []
    from_call = []
    ready = False
    cpu0 = 0.0
    ready_at = 0.0
    wait0 = 0.0
    deadline = None
    while True:
        msg = consumer.poll(0.05)
        now = wall_ms()
        if msg is not None and msg.error() is None:
            value = msg.value()
            if value is not None and len(value) >= 24:
                scheduled, called, _seq, kind = HEAD.unpack_from(value, 0)
                if kind == MEASURED:
                    from_scheduled.append(now - scheduled)
                    from_call.append(now - called)
                elif kind == PROBE and not ready:
                    ready = True
                    cpu0 = cpu_seconds()
                    wait0 = cpu_wait_ms()
                    ready_at = now
                    sys.stdout.write('READY\n')
                    sys.stdout.flush()
        n = expected['n']
        if n >= 0:
            if len(from_scheduled) >= n:
                break
            if deadline is None:
                deadline = time.monotonic() + DRAIN_S
            elif time.monotonic() > deadline:
                break
    cpu = cpu_seconds() - cpu0
    wait = cpu_wait_ms() - wait0
    elapsed = wall_ms() - ready_at
    consumer.close()
    return {
        'ok': True,
        'fromScheduled': summarize(from_scheduled),
        'fromCall': summarize(from_call),
        'received': len(from_scheduled),
        'expected': expected['n'],
        'cpuPct': cpu * 1000.0 / elapsed * 100,
        'cpuWaitPct': wait / elapsed * 100,
    }


def main():
    mode, job = sys.argv[1], json.loads(sys.argv[2])
    try:
        report(produce(job) if mode == 'producer' else consume(job))
    except Exception as err:  # reported to the orchestrator, which shows it in the table
        report({'ok': False, 'error': repr(err)})


if __name__ == '__main__':
    main()
