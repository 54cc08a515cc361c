// Property tests of the scanner: in every-record mode the records partition the input exactly
// (each line in one record, in order, with the right line numbers), whatever the chunking; in
// prefilter mode every literal occurrence lands in some record. No input makes it throw.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { scanStream, type RawEvent } from '../../src/scan/scanner.js';
import { lineKindAt } from '../../src/scan/lines.js';
import { classify, stripContainerPrefix } from '../../src/parse/line.js';
import { buildPrefilter } from '../../src/scan/prefilter.js';
import { buildEvent } from '../../src/parse/event.js';
import { pieces } from './chunks.js';

const LINE = fc.oneof(
  fc.constantFrom(
    '2024-03-11 09:16:10,812 INFO  org.apache.flink.runtime.taskmanager.Task                    [] - X (1/2)#0 (abc) switched from RUNNING to FAILED with failure cause:',
    '2019-11-04 16:20:05,510 INFO  org.apache.flink.streaming.api.operators.AbstractStreamOperator  - Could not complete snapshot 3 for operator A (1/1).',
    'java.io.IOException: Could not perform checkpoint 7 for operator KeyedProcess (1/2)#0.',
    'Caused by: org.rocksdb.RocksDBException: while link file to /a/chk-7.tmp/1.sst: /a/db/1.sst: Not supported',
    '\tat org.rocksdb.Checkpoint.createCheckpoint(Native Method)',
    '    at a.b.C.d(C.java:1)',
    '\t... 20 more',
    '',
    'plain prose line',
    '[pod/tm-1/main] 2024-03-11T09:16:10.812345678Z 2024-03-11 09:16:10,812 WARN  a.b.C [] - hello',
    '{"not":"json log"',
  ),
  fc.string({ maxLength: 60 }),
);


async function scanAll(text: string, sizes: number[], everyRecord: boolean, literals: string[]): Promise<RawEvent[]> {
  const out: RawEvent[] = [];
  await scanStream(pieces(Buffer.from(text), sizes), { prefilter: buildPrefilter(literals), everyRecord, chunkBytes: 7, maxRecordLines: 50 }, (r) => out.push(r));
  return out;
}

describe('scanner', () => {
  it('partitions the input into records, with correct line numbers, for any chunking', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(LINE, { maxLength: 40 }), fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 5 }), fc.boolean(), fc.boolean(), async (lines, sizes, crlf, trailing) => {
        const text = lines.join(crlf ? '\r\n' : '\n') + (trailing && lines.length ? '\n' : '');
        const records = await scanAll(text, sizes, true, []);
        const expected = text.length === 0 ? [] : text.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
        const got = records.flatMap((r) => r.lines);
        expect(got).toEqual(expected);
        let line = 1;
        for (const r of records) {
          expect(r.firstLine).toBe(line);
          line += r.lines.length;
          // Parsing never throws and keeps every line.
          expect(buildEvent(0, r.firstLine, r.lines).lines.length).toBeGreaterThanOrEqual(r.lines.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('puts every literal occurrence into a record (prefilter mode)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(LINE, { maxLength: 40 }), fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 5 }), async (lines, sizes) => {
        const text = lines.join('\n') + '\n';
        const literal = 'while link file to';
        const records = await scanAll(text, sizes, false, [literal]);
        const occurrences = text.split('\n').filter((l) => l.includes(literal)).length;
        const found = records.flatMap((r) => r.lines).filter((l) => l.includes(literal)).length;
        expect(found).toBe(occurrences);
      }),
      { numRuns: 300 },
    );
  });

  it('reads chunks from reused buffers like fresh ones (it copies what it keeps past the next chunk)', async () => {
    // Like input/read.ts: a ring of three buffers; while chunk k is used, the buffer of chunk k-1
    // is intact and that of chunk k-2 is being overwritten (here with garbage).
    async function* reused(buf: Buffer, sizes: number[]): AsyncGenerator<Buffer> {
      const ring = [Buffer.alloc(100), Buffer.alloc(100), Buffer.alloc(100)];
      let pos = 0;
      for (let k = 0; pos < buf.length; k++) {
        const n = Math.min(Math.max(1, sizes[k % sizes.length]!), buf.length - pos);
        const slot = ring[k % 3]!;
        buf.copy(slot, 0, pos, pos + n);
        ring[(k + 1) % 3]!.fill(0x23);
        pos += n;
        yield slot.subarray(0, n);
      }
    }
    await fc.assert(
      fc.asyncProperty(fc.array(LINE, { maxLength: 40 }), fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 5 }), fc.boolean(), fc.integer({ min: 1, max: 64 }), async (lines, sizes, everyRecord, chunkBytes) => {
        const buf = Buffer.from(lines.join('\n') + '\n');
        const opts = { prefilter: buildPrefilter(['while link file to', 'Could not']), everyRecord, chunkBytes, maxRecordLines: 50, maxCarryBytes: 300 };
        const fresh: RawEvent[] = [];
        const fromRing: RawEvent[] = [];
        const a = await scanStream(pieces(buf, sizes), opts, (r) => fresh.push(r));
        const b = await scanStream(reused(buf, sizes), { ...opts, reusedChunks: true }, (r) => fromRing.push(r));
        expect(fromRing).toEqual(fresh);
        expect(b).toEqual(a);
      }),
      { numRuns: 300 },
    );
  });

  it('counts lines and bytes of arbitrary bytes without throwing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), async (bytes) => {
        const buf = Buffer.from(bytes);
        const r = await scanStream(pieces(buf, [13, 101]), { prefilter: buildPrefilter(['Exception']), chunkBytes: 64 }, () => {});
        expect(r.bytes).toBe(buf.length);
        const nl = buf.filter((b) => b === 10).length;
        expect(r.lines).toBe(buf.length === 0 ? 0 : buf[buf.length - 1] === 10 ? nl : nl + 1);
      }),
      { numRuns: 200 },
    );
  });
});

describe('lineKindAt', () => {
  it('says of a line what classify says of its text', () => {
    const piece = fc.constantFrom('2024-03-11 09:00:00,000 ', '2024/03/11 09:00:00 ', '2024-03-11T09:00:00Z ', '09:00:00 ', ' ', '\t', '  at ', '\r', '\u00a0', 'INFO ', 'Caused by: ', 'a', 'x.y.FooException: ', '7', '-', ':', 'T', '[pod/x] ', 'web | ');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), fc.constantFrom('\n', '\r\n', ''), (parts, end) => {
        const text = parts.join('');
        const buf = Buffer.from(text + end + 'next line\n', 'latin1');
        // The line's text as the scanner decodes it: capped at 400 bytes, one final CR dropped.
        const raw = end === '' ? text + 'next line' : end === '\r\n' ? text + '\r' : text;
        const capped = raw.slice(0, 400);
        const line = capped.endsWith('\r') ? capped.slice(0, -1) : capped;
        expect(lineKindAt(buf, 0)).toBe(classify(stripContainerPrefix(line)));
      }),
      { numRuns: 2000 },
    );
  });
});
