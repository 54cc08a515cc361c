// The cheaper paths of header parsing and event assembly (the usual timestamp read in place, its
// minute's start computed once per minute, lines read by a recent header's tail without the
// regex, the one-line record paths of buildEvent and recordLines, the cheaper prechecks) must
// give exactly what the code before them gave: property tests over many header variants, records
// and byte strings, against the reference copies in reference/ (and recordLines against its
// whole-record split).

import { describe, expect, it } from 'vitest';
import { buildEvent } from '../../src/parse/event.js';
import { parseHeader, readTimestamp } from '../../src/parse/line.js';
import { recordLines, RecordForm, splitRecordLines } from '../../src/scan/record.js';
import { buildEvent as referenceBuildEvent } from './reference/event.js';
// The bench generator's seeded PRNG, so a failure can be replayed.
import { rng } from '../../bench/generate.mjs';
import { parseHeader as referenceParseHeader, readTimestamp as referenceReadTimestamp } from './reference/line.js';


const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const YEARS = ['2024', '1999', '2000', '0012', '9999', '1970', '2023'];
const MONTHS = ['03', '12', '01', '13', '00', '02', '1x'];
const DAYS = ['11', '31', '01', '29', '32', '00'];
const SEPS = [' ', ' ', ' ', 'T', 'T', '-', '_'];
const HOURS = ['09', '23', '00', '25', '99', '12'];
const MINUTES = ['00', '59', '30', '60', '7'];
const SECONDS = ['00', '01', '59', '60', '99'];
const FRACTIONS = [',036', ',036', '.036', ',999', '.000', '', ',1', '.12', '.123456', '.123456789', ',1234567890', ',', '.12345', ',5'];
const ZONES = ['', '', '', 'Z', '+02:00', '+0200', '-05:30', '-0800', '+2', '+02:0'];
const BLANKS = [' ', ' ', '  ', '\t', ' \t ', '\u00a0', '', '   '];
const THREADS = ['', '', '', '[main] ', '[] ', '[flink-akka.actor.default-dispatcher-3] ', '[a b] ', '[x]', '[unclosed ', '[Source: x (1/2)#0]\t'];
const LEVELS = ['WARN', 'WARN', 'ERROR', 'INFO', 'DEBUG', 'TRACE', 'FATAL', 'WARNING', 'SEVERE', 'warn', 'WARNX', 'NOTICE', 'INFOO', 'ERR'];
const LOGGERS = [
  'org.apache.kafka.clients.NetworkClient',
  'org.apache.flink.runtime.taskmanager.Task',
  'a.b.C$Inner',
  'my-logger',
  'x',
  '-',
  'org/ bad',
  'Ünïcode.Logger',
  '',
  'org.apache.flink.contrib.streaming.state.RocksDBKeyedStateBackendBuilder',
];
const PADS = ['', ' ', '                       ', '\t', ' \t'];
const NDCS = ['[] ', '[] ', '', '[ndc value] ', '[]', '[x', '[] \t'];
const DASHES = ['- ', '- ', '-', '-\t', '- \u00a0', '-\u00a0', '-\r', '– ', ' - ', '-  ', ''];
const MESSAGES = [
  '',
  'msg',
  '[Consumer clientId=consumer-orders-2, groupId=orders] Error while fetching metadata with correlation id 72607 : {orders=LEADER_NOT_AVAILABLE}',
  'Kunde «Müller & Söhne» bestellt 24 Stück – Lieferung nach Zürich',
  'emoji 😀 and \ud83d lone surrogate',
  'with\rCR inside',
  'with\u2028line separator',
  'with\u2029paragraph separator',
  'x'.repeat(70_000),
  ' leading blank',
  'java.io.IOException: boom',
  'X (1/1)#0 (abc) switched from RUNNING to FAILED with failure cause: java.io.IOException: Could not perform checkpoint 2 for operator X (1/1)#0.',
  'Job orders (5e1c0a9b) switched from state RUNNING to FAILING.',
  'Sink (1/1)#0 (a_b) switched from RUNNING to FAILED. Reason: org.apache.flink.util.FlinkException: Disconnect from JobManager responsible for 5e1c.',
  'Job failed: org.apache.flink.runtime.JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy',
  'java.io.IOException: boom at a.b.C.d(C.java:1) at a.b.C.e(C.java:2) Caused by: java.lang.RuntimeException: inner at x.y.Z.z(Z.java:3)',
  'CompletionException: org.apache.flink.runtime.jobmanager.scheduler.NoResourceAvailableException: Could not acquire the minimum required resources.',
  'Slot 2 for job 5e1c0a9b7d3f2e4c6a8b0d1f3e5a7c9b is being released after 10 ms idle.',
  'Error while closing ] - [] nested - dashes',
  'java.io.IOException: the upload of the file failed on this host Caused by: java.net.SocketException: reset',
  'tab\tinside',
];
const TRAILERS = ['', '', '', '\r', ' ', '\t', '\n'];
const PREFIXES = ['', '', '', '', '[pod/tm-1/flink-main-container] ', '[pod/jm-0] ', '2023-12-05T13:22:14.673427041Z ', '2023-12-05T13:22:14.673427041Z stdout F ', 'taskmanager_1  | ', 'tm\t'];
const OTHER_LINES = [
  '\tat org.rocksdb.Checkpoint.createCheckpoint(Native Method)',
  '\tat a.b.C.d(C.java:1)',
  'Caused by: java.lang.RuntimeException: inner',
  'Caused by: org.apache.flink.util.SerializedThrowable: while link file to /a/chk-7.tmp/1.sst: /a/db/1.sst: Not supported',
  'Suppressed: x.y.ZException: q',
  '\t... 3 more',
  '... 12 common frames omitted',
  'java.io.IOException: x',
  'java.lang.OutOfMemoryError',
  'org.apache.flink.runtime.checkpoint.CheckpointException: Could not complete snapshot 7',
  'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space',
  'RocksDBException: while link file to /x: Operation not supported',
  'plain text continuation of the message',
  'second part\u2028\tat a.b.C(D.java:1)\u2028Caused by: java.io.IOException: deep',
  '',
  '   ',
  'WARN something happened',
  '[WARN] something: else',
  'ERROR: x',
  '12-04 03:12:44.123 ERROR org.example.A - boom',
  '01-04 03:12:44,5 [main] WARN  org.example.A - slow',
  '2024/05/01-12:00:00.123456 7f8b2c3fe700 [WARN] [db/file.cc:123] message',
  '2024/05/01-12:00:00.123456 7f8b2c3fe700 message at info',
  '09:00:01,123 WARN x.y.Z - time only',
  '2020-03-18 23:08:47 [WARN ](KafkaFetcher    ) [TxId :  ] Error while closing Kafka consumer',
  '2024-03-11 09:00:01,036',
  '2024-03-11',
  'at org.apache.flink.Foo.bar(Foo.java:1)',
  'org.apache.flink.util.FlinkException: the task failed on this host Caused by: java.net.SocketException: Connection reset',
];
const MUTATIONS = ['0', '9', ':', '-', ' ', '\t', '[', ']', '\r', '\u00a0', 'Z', '+', ',', '.', 'T', 'W', 'é', '\u2028'];

/** A header line of the usual layout and its variants. */
function headerLine(r: () => number): string {
  const date = `${pick(r, YEARS)}-${pick(r, MONTHS)}-${pick(r, DAYS)}${pick(r, SEPS)}${pick(r, HOURS)}:${pick(r, MINUTES)}:${pick(r, SECONDS)}${pick(r, FRACTIONS)}${pick(r, ZONES)}`;
  let line = date + pick(r, BLANKS) + pick(r, THREADS) + pick(r, LEVELS) + pick(r, BLANKS) + pick(r, THREADS) + pick(r, LOGGERS) + pick(r, PADS) + pick(r, BLANKS) + pick(r, NDCS) + pick(r, DASHES) + pick(r, MESSAGES) + pick(r, TRAILERS);
  // Now and then a character replaced, inserted or removed anywhere in the line.
  const edits = r() < 0.3 ? 1 + Math.floor(r() * 3) : 0;
  for (let k = 0; k < edits; k++) {
    const at = Math.floor(r() * Math.min(line.length, 120));
    const op = r();
    if (op < 0.4) line = line.slice(0, at) + pick(r, MUTATIONS) + line.slice(at + 1);
    else if (op < 0.7) line = line.slice(0, at) + pick(r, MUTATIONS) + line.slice(at);
    else line = line.slice(0, at) + line.slice(at + 1);
  }
  return line;
}

function anyLine(r: () => number): string {
  return r() < 0.6 ? headerLine(r) : pick(r, OTHER_LINES);
}

describe('parseHeader against the regex-only reference', () => {
  it('gives the same header for header variants, mutated lines and lines without a header', () => {
    const r = rng(20240311);
    let usual = 0;
    for (let i = 0; i < 40_000; i++) {
      const line = anyLine(r);
      const expected = referenceParseHeader(line);
      expect(parseHeader(line), JSON.stringify(line.slice(0, 300))).toStrictEqual(expected);
      if (expected?.time?.length === 23) usual++;
    }
    // The variants do reach the in-place timestamp path, not only the fallbacks.
    expect(usual).toBeGreaterThan(3000);
  });

  it('reads lines that repeat a recent header tail (level, logger, NDC) with any message after it', () => {
    const r = rng(31);
    // A few dozen tails: what stands between the timestamp and the message, from the same pools.
    const tails: string[] = [];
    while (tails.length < 40) {
      tails.push(pick(r, BLANKS) + pick(r, THREADS) + pick(r, LEVELS.slice(0, 9)) + pick(r, BLANKS) + pick(r, THREADS) + pick(r, LOGGERS) + pick(r, PADS) + pick(r, BLANKS) + pick(r, NDCS) + pick(r, DASHES));
    }
    const stamps = ['2024-03-11 09:00:01,036', '2024-03-11T09:00:59.999', '2024-13-11 25:61:60,000', '1999-12-31 23:59:59,999', '0012-00-00 00:00:00.000', '2024-03-11 09:00:01,0361', '2024-03-11 09:00:01,03', '2024-03-11 09:00:01,03x', '2024-03-1x 09:00:01,036', '2024/03/11 09:00:01,036', '2024-03-11 09:00:01 036', '2024-03-11_09:00:01,036'];
    const rests = [...MESSAGES, ...DASHES, ' - x', ' leading', '\tleading', '\u00a0x', ']', '] - z', '\r', 'ordinary message'];
    for (let i = 0; i < 60_000; i++) {
      const line = pick(r, stamps) + pick(r, tails) + (r() < 0.3 ? pick(r, BLANKS) : '') + pick(r, rests) + pick(r, TRAILERS);
      expect(parseHeader(line), JSON.stringify(line.slice(0, 300))).toStrictEqual(referenceParseHeader(line));
    }
  });

  it('reads dates across many days, the date cache kept or replaced in any order', () => {
    const r = rng(7);
    for (let i = 0; i < 20_000; i++) {
      const y = 1990 + Math.floor(r() * 40);
      const mo = Math.floor(r() * 14);
      const d = Math.floor(r() * 33);
      const two = (n: number): string => String(n).padStart(2, '0');
      const line = `${y}-${two(mo)}-${two(d)} ${two(Math.floor(r() * 26))}:${two(Math.floor(r() * 61))}:${two(Math.floor(r() * 61))},${String(Math.floor(r() * 1000)).padStart(3, '0')} WARN  org.a.B [] - m`;
      expect(parseHeader(line)).toStrictEqual(referenceParseHeader(line));
    }
  });

  it('reads bare timestamps as before', () => {
    const r = rng(99);
    const now = Date.UTC(2025, 0, 10, 12);
    for (let i = 0; i < 20_000; i++) {
      const s = headerLine(r).slice(0, 18 + Math.floor(r() * 14));
      expect(readTimestamp(s, now), JSON.stringify(s)).toStrictEqual(referenceReadTimestamp(s, now));
    }
    for (const s of ['2024-03-11 09:00:00,123', '2024-13-11 25:61:60.999', '0012-00-00T00:00:00,000', '2024-03-11 09:00:00,12x', '2024-03-11 09:00:0x,123', '12-31 23:59:59.999', '2024-03-11 09:00', '']) {
      expect(readTimestamp(s, now), s).toStrictEqual(referenceReadTimestamp(s, now));
    }
  });
});

describe('buildEvent against the reference', () => {
  it('builds the same event for one-line and few-line records, prefixes and traces included', () => {
    const r = rng(11);
    for (let i = 0; i < 30_000; i++) {
      const n = r() < 0.6 ? 1 : 2 + Math.floor(r() * 6);
      const lines: string[] = [];
      for (let k = 0; k < n; k++) {
        const line = k === 0 ? anyLine(r) : r() < 0.2 ? headerLine(r) : pick(r, OTHER_LINES);
        lines.push((r() < 0.2 ? pick(r, PREFIXES) : '') + line);
      }
      const got = buildEvent(3, 100 + i, lines);
      const expected = referenceBuildEvent(3, 100 + i, lines);
      expect(got, JSON.stringify(lines).slice(0, 400)).toStrictEqual(expected);
      // The same fields in the same order (what the JSON report and the workers' messages see).
      expect(Object.keys(got)).toEqual(Object.keys(expected));
    }
  });
});

describe('recordLines against the whole-record split (splitRecordLines)', () => {
  it('cuts the same lines from any bytes: newlines, carriage returns, broken UTF-8', () => {
    const r = rng(5);
    const pieces = [
      Buffer.from('2024-03-11 09:00:01,036 WARN  org.a.B [] - m'),
      Buffer.from('\tat a.b.C(D.java:1)'),
      Buffer.from('Zürich «x» 😀'),
      Buffer.from('\n'),
      Buffer.from('\n'),
      Buffer.from('\r'),
      Buffer.from('\r\n'),
      Buffer.from([0xe2, 0x82]), // a cut three-byte sequence
      Buffer.from([0xf0, 0x9f, 0x98]), // a cut four-byte sequence
      Buffer.from([0xc3]),
      Buffer.from([0x80, 0xbf]), // stray continuation bytes
      Buffer.from([0xff, 0xfe]),
      Buffer.from(''),
    ];
    for (let i = 0; i < 20_000; i++) {
      const parts: Buffer[] = [];
      const n = Math.floor(r() * 8);
      for (let k = 0; k < n; k++) parts.push(pick(r, pieces));
      const buf = Buffer.concat([Buffer.from('x\n'), ...parts, Buffer.from('\nafter\nmore')]);
      const from = r() < 0.5 ? 2 : Math.floor(r() * buf.length);
      const to = from + Math.floor(r() * (buf.length - from + 1));
      for (const form of [RecordForm.Lines, RecordForm.Window, RecordForm.Piece]) {
        expect(recordLines(buf, from, to, form), `${buf.toString('hex')} ${from} ${to} ${form}`).toEqual(splitRecordLines(buf, from, to, form));
      }
    }
  });
});
