import { describe, expect, it } from 'vitest';
import { classify, LineKind, parseHeader, stripContainerPrefix } from '../../src/parse/line.js';
import { buildEvent, unflatten } from '../../src/parse/event.js';

describe('parseHeader', () => {
  it('reads the log4j1 layout (padded logger, no NDC)', () => {
    const h = parseHeader('2019-05-01 10:00:00,123 INFO  org.apache.flink.runtime.checkpoint.CheckpointCoordinator     - Triggering checkpoint 5 @ 1 for job x.')!;
    expect(h).toMatchObject({ level: 'INFO', logger: 'org.apache.flink.runtime.checkpoint.CheckpointCoordinator', message: 'Triggering checkpoint 5 @ 1 for job x.', time: '2019-05-01T10:00:00.123' });
  });
  it('reads the log4j2 layout with [] NDC', () => {
    const h = parseHeader('2023-05-01 10:00:00,123 WARN  org.apache.flink.runtime.taskmanager.Task                    [] - X (1/2)#0 (abc) switched from RUNNING to FAILED with failure cause:')!;
    expect(h.level).toBe('WARN');
    expect(h.message).toBe('X (1/2)#0 (abc) switched from RUNNING to FAILED with failure cause:');
  });
  it('reads logback with a thread and dot milliseconds', () => {
    const h = parseHeader('2019-05-01 10:00:00.123 [flink-akka.actor.default-dispatcher-3] INFO  org.apache.flink.runtime.checkpoint.CheckpointCoordinator  - Triggering checkpoint 5')!;
    expect(h).toMatchObject({ thread: 'flink-akka.actor.default-dispatcher-3', level: 'INFO', message: 'Triggering checkpoint 5' });
  });
  it('reads a generic timestamped layout', () => {
    const h = parseHeader('2020-03-18 23:08:47 [WARN ](KafkaFetcher    ) [TxId :  ] Error while closing Kafka consumer')!;
    expect(h.level).toBe('WARN');
    expect(h.time).toBe('2020-03-18T23:08:47');
  });
  it('reads a date and time in square brackets before the level (Kafka\'s layout, custom layouts)', () => {
    const k = parseHeader('[2016-06-06 10:35:35,592] WARN Error while fetching metadata with correlation id 0 : {test=TOPIC_AUTHORIZATION_FAILED} (org.apache.kafka.clients.NetworkClient)')!;
    expect(k).toMatchObject({ level: 'WARN', time: '2016-06-06T10:35:35.592', message: 'Error while fetching metadata with correlation id 0 : {test=TOPIC_AUTHORIZATION_FAILED} (org.apache.kafka.clients.NetworkClient)' });
    const f = parseHeader('[2021-12-28T08:58:33.657Z] WARN  akka.remote.transport.netty.NettyTransport                   [] - Remote connection to [/172.32.130.206:35256] failed')!;
    expect(f).toMatchObject({ level: 'WARN', logger: 'akka.remote.transport.netty.NettyTransport', time: '2021-12-28T08:58:33.657Z', message: 'Remote connection to [/172.32.130.206:35256] failed' });
    expect(f.timeMs).toBe(Date.UTC(2021, 11, 28, 8, 58, 33, 657));
    expect(classify('[2016-06-06 10:35:35,592] WARN Error while fetching metadata')).toBe(LineKind.Header);
    // A bracket that holds no date is no header: an address, an array.
    expect(parseHeader('[10.0.0.5:9092] is not reachable')).toBeNull();
    expect(classify('[2016, 2017] are the years')).toBe(LineKind.Other);
  });
  it('returns null for continuation lines', () => {
    expect(parseHeader('\tat org.rocksdb.Checkpoint.createCheckpoint(Native Method)')).toBeNull();
  });
});

describe('container prefixes', () => {
  it('strips kubectl --prefix and --timestamps', () => {
    expect(stripContainerPrefix('[pod/tm-1/flink-main-container] 2023-12-05T13:22:14.673427041Z 2023-12-05 13:22:14,673 INFO  x [] - y')).toBe('2023-12-05 13:22:14,673 INFO  x [] - y');
  });
  it("keeps an RFC 3339 stamp that is the line's own date (a level follows it) and reads the header", () => {
    const line = '2020-09-22T08:51:55.311Z ERROR org.apache.flink.runtime.rest.handler.job.JobDetailsHandler [{}] - Exception occurred in REST handler: x';
    expect(stripContainerPrefix(line)).toBe(line);
    const h = parseHeader(stripContainerPrefix(line));
    expect(h?.level).toBe('ERROR');
    expect(h?.logger).toBe('org.apache.flink.runtime.rest.handler.job.JobDetailsHandler');
    expect(h?.message).toBe('Exception occurred in REST handler: x');
    expect(h?.time).toMatch(/^2020-09-22T08:51:55\.311/);
  });
  it("reads Dinky's layout: the level, the date and the logger in brackets", () => {
    const h = parseHeader('[INFO] [2022-07-31 21:18:22][org.apache.flink.runtime.executiongraph.ExecutionGraph]Source: orders (2/8) switched from RUNNING to FAILED.');
    expect(h?.level).toBe('INFO');
    expect(h?.time).toMatch(/^2022-07-31T21:18:22/);
    expect(h?.logger).toBe('org.apache.flink.runtime.executiongraph.ExecutionGraph');
    expect(h?.message).toBe('Source: orders (2/8) switched from RUNNING to FAILED.');
    expect(parseHeader('[WARN] something without a date')?.time).toBeNull();
  });
  it("reads log4j's TTCC layout without its time: `[thread] LEVEL logger - message`", () => {
    const line = '[pool-24-thread-1] WARN org.tikv.common.region.StoreHealthyChecker - store [172.16.0.234:20160] is not reachable';
    expect(classify(line)).toBe(LineKind.Header);
    expect(parseHeader(line)).toMatchObject({ time: null, level: 'WARN', thread: 'pool-24-thread-1', logger: 'org.tikv.common.region.StoreHealthyChecker', message: 'store [172.16.0.234:20160] is not reachable' });
    expect(classify('[1, 2, 3] WARN is a list')).toBe(LineKind.Other);
  });
  it('strips the CRI prefix', () => {
    expect(stripContainerPrefix('2023-12-05T13:22:14.673427041Z stdout F \tat a.b.C(D.java:1)')).toBe('\tat a.b.C(D.java:1)');
  });
  it("strips a viewer's line number before a dated line, an exception or a frame, and a Deployment pod's name before every line; nothing else", () => {
    const cases: [string, string][] = [
      ['13436 2021-08-30 10:38:11,378 ERROR x [] - y', '2021-08-30 10:38:11,378 ERROR x [] - y'],
      ['_13436 2021-08-30 10:38:11,378 ERROR x [] - y', '2021-08-30 10:38:11,378 ERROR x [] - y'],
      ['13437 java.lang.Error: fatal', 'java.lang.Error: fatal'],
      ['13438 \tat a.b.C.d(C.java:1)', '\tat a.b.C.d(C.java:1)'],
      ['flink-kubernetes-operator-7f95587856-cz8j7 2025-07-18 06:24:24,708 i.j.o.p.e.EventProcessor [WARN ] x', '2025-07-18 06:24:24,708 i.j.o.p.e.EventProcessor [WARN ] x'],
      ['flink-kubernetes-operator-7f95587856-cz8j7     at a.b.C.d(C.java:1)', '    at a.b.C.d(C.java:1)'],
      ['INFO   | jvm 1    | 2022/07/25 11:38:01 | java.io.IOException: x', 'java.io.IOException: x'],
      ['INFO   | jvm 1    | 2022/07/25 11:38:01 |       at a.b.C.d(C.java:1)', '      at a.b.C.d(C.java:1)'],
    ];
    const unchanged = [
      '2021-08-30 10:38:11,378 ERROR x [] - y',
      '42 records were read',
      '12345678 2021-08-30 10:38:11,378 too long a number',
      'org.apache.flink.util.FlinkException: x-y-z',
      'at-least-once delivery is on for sink-1234567-abcde now',
    ];
    for (const [line, stripped] of cases) expect(stripContainerPrefix(line), line).toBe(stripped);
    for (const line of unchanged) expect(stripContainerPrefix(line), line).toBe(line);
  });
  it('strips docker-compose prefixes', () => {
    expect(stripContainerPrefix('taskmanager_1  | 2023-01-01 00:00:00,000 INFO  x [] - y')).toBe('2023-01-01 00:00:00,000 INFO  x [] - y');
  });
});

describe('classify', () => {
  it('tells headers, continuations and other lines apart', () => {
    expect(classify('2023-05-01 10:00:00,123 INFO  a.b.C [] - msg')).toBe(LineKind.Header);
    expect(classify('\tat a.b.C.d(C.java:1)')).toBe(LineKind.Continuation);
    expect(classify('Caused by: java.io.IOException: x')).toBe(LineKind.Continuation);
    expect(classify('org.rocksdb.RocksDBException: while link file to /a: /b: Not supported')).toBe(LineKind.Continuation);
    expect(classify('java.lang.OutOfMemoryError')).toBe(LineKind.Continuation);
    expect(classify('\t... 20 more')).toBe(LineKind.Continuation);
    expect(classify('')).toBe(LineKind.Blank);
    expect(classify('We see this on every checkpoint:')).toBe(LineKind.Other);
  });
});

describe('buildEvent', () => {
  it('collects the exception chain with line numbers', () => {
    const e = buildEvent(0, 10, [
      '2023-05-01 10:00:00,123 INFO  org.apache.flink.streaming.runtime.tasks.RegularOperatorChain [] - Could not complete snapshot 7 for operator X (1/2)#0. Failure reason: Checkpoint was declined.',
      'org.apache.flink.runtime.checkpoint.CheckpointException: Could not complete snapshot 7',
      '\tat a.b.C(D.java:1)',
      'Caused by: org.apache.flink.util.SerializedThrowable: while link file to /a/chk-7.tmp/1.sst: /a/db/1.sst: Not supported',
      '\t... 3 more',
    ]);
    expect(e.chain.map((c) => [c.cls, c.line, c.kind])).toEqual([
      ['org.apache.flink.runtime.checkpoint.CheckpointException', 11, 'exception'],
      ['org.apache.flink.util.SerializedThrowable', 13, 'caused-by'],
    ]);
    expect(e.chain[1]!.message).toBe('while link file to /a/chk-7.tmp/1.sst: /a/db/1.sst: Not supported');
    expect(e.frames).toEqual(['a.b.C(D.java:1)']);
  });
  it('reads the 1.13–1.16 inline failure cause', () => {
    const e = buildEvent(0, 1, ['2022-01-01 00:00:00,000 WARN  org.apache.flink.runtime.taskmanager.Task [] - X (1/1)#0 (abc) switched from RUNNING to FAILED with failure cause: java.io.IOException: Could not perform checkpoint 2 for operator X (1/1)#0.']);
    expect(e.chain[0]).toMatchObject({ cls: 'java.io.IOException', message: 'Could not perform checkpoint 2 for operator X (1/1)#0.' });
  });
  it('reads an exception class written inside prose, and not a bare word of it', () => {
    const head = '2024-03-11 09:00:00,000 WARN  org.apache.kafka.clients.NetworkClient [] - ';
    const prose = buildEvent(0, 1, [head + '[Consumer clientId=c-1, groupId=g] Error while fetching metadata with correlation id 7 : {orders=LEADER_NOT_AVAILABLE}']);
    expect(prose.chain).toEqual([]);
    const named = buildEvent(0, 1, [head + 'Giving up after retries, last ErrorHandler state from org.example.retry.ErrorHandlerException: gave up']);
    expect(named.chain[0]).toMatchObject({ cls: 'org.example.retry.ErrorHandlerException', message: 'gave up' });
    // The word again inside the same name, and before it unqualified: the name's package still counts.
    const repeated = buildEvent(0, 1, [head + 'Error: see org.example.ErrorErrorException: twice']);
    expect(repeated.chain[0]).toMatchObject({ cls: 'org.example.ErrorErrorException', message: 'twice' });
  });
  it('splits a trace flattened onto one line', () => {
    const parts = unflatten('java.io.IOException: boom at a.b.C.d(C.java:1) at a.b.C.e(C.java:2) Caused by: java.lang.RuntimeException: inner at x.y.Z.z(Z.java:3)');
    expect(parts).toHaveLength(5);
    expect(parts[3]).toBe('\tCaused by: java.lang.RuntimeException: inner');
  });
});

describe('unflatten keeps ordinary lines whole', () => {
  it('does not split an indented frame line', () => {
    const frame = '\tat org.apache.flink.streaming.runtime.tasks.StreamTask.triggerCheckpointOnBarrier(StreamTask.java:1256) ~[flink-dist-1.17.2.jar:1.17.2]';
    expect(unflatten(frame)).toEqual([frame]);
  });
});
