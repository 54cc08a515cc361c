// The scan kernel (WebAssembly) against the scanner's JavaScript path: on generated logs, chunked
// at random, read from fresh buffers (copied into the kernel) and from buffers lent by the kernel
// (scanned in place), the records and totals are the same. Results that overflow the kernel's
// regions, tables that do not fit and literals too short for a table fall back to JavaScript.

import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { scanStream, type RawEvent, type ScanOptions } from '../../src/scan/scanner.js';
import { buildPrefilter } from '../../src/scan/prefilter.js';
import { scanKernel } from '../../src/scan/kernel.js';
import { readReused } from '../../src/input/read.js';
import { PROBLEM_LITERALS } from '../../src/detect/detector.js';
import { tempDir } from '../helpers.js';
import { pieces } from './chunks.js';

const LITERALS = ['while link file to ', 'Could not complete snapshot', 'Completed checkpoint ', 'java.lang.OutOfMemoryError'];

const LINE = fc.oneof(
  fc.constantFrom(
    '2024-03-11 09:16:10,812 INFO  org.apache.flink.runtime.taskmanager.Task [] - X (1/2)#0 switched from RUNNING to FAILED',
    '2024-03-11 09:16:10,812 WARN  org.apache.flink.runtime.taskmanager.Task [] - Could not complete snapshot 3 for operator A (1/1).',
    '2024-03-11 09:16:10,813 ERROR org.apache.flink.runtime.taskmanager.Task [] - java.lang.OutOfMemoryError: Java heap space',
    '2024-03-11 09:16:10,814 INFO  o.a.f.r.c.CheckpointCoordinator [] - Completed checkpoint 7 for job 4b1d (1 bytes).',
    '2019-11-04 16:20:05,510 FATAL org.apache.flink.Foo - boom',
    '2024-03-11 09:16:11 WARN [main] a.b.C - no fixed column here',
    'Caused by: org.rocksdb.RocksDBException: while link file to /a/chk-7.tmp/1.sst: /a/db/1.sst: Not supported',
    '\tat org.rocksdb.Checkpoint.createCheckpoint(Native Method)',
    '    at a.b.C.d(C.java:1)',
    '  at',
    '\t... 20 more',
    '',
    'plain prose with Exception and Error: inside',
    'x WARN y',
  ),
  fc.string({ maxLength: 50 }),
);

/** Like input/read.ts: chunks of these sizes in a ring of buffers lent by the kernel (scanned in place). */
async function* lent(buf: Buffer, sizes: number[]): AsyncGenerator<Buffer> {
  const size = Math.max(...sizes);
  const lease = scanKernel()!.lease(3, size)!;
  try {
    for (let pos = 0, k = 0; pos < buf.length; k++) {
      const n = Math.min(Math.max(1, sizes[k % sizes.length]!), buf.length - pos);
      const slot = lease.buffers[k % 3]!;
      buf.copy(slot, 0, pos, pos + n);
      pos += n;
      yield slot.subarray(0, n);
    }
  } finally {
    lease.release();
  }
}

async function scan(chunks: AsyncIterable<Buffer>, opts: ScanOptions): Promise<{ records: RawEvent[]; result: unknown }> {
  const records: RawEvent[] = [];
  const result = await scanStream(chunks, opts, (r) => records.push(r));
  return { records, result };
}

const built = existsSync('dist/scan/kernel.wasm');

describe('scan kernel', () => {
  it('is built and loads (npm run build assembles it)', () => {
    expect(built).toBe(true);
    expect(scanKernel()).not.toBeNull();
  });

  it('hands on the records the JavaScript path hands on, for any chunking, in place and copied', async () => {
    const prefilter = buildPrefilter(LITERALS);
    const problemPrefilter = buildPrefilter([...LITERALS, ...PROBLEM_LITERALS]);
    await fc.assert(
      fc.asyncProperty(
        fc.array(LINE, { maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 300 }),
        fc.boolean(),
        fc.boolean(),
        async (lines, sizes, chunkBytes, problems, crlf) => {
          const buf = Buffer.from(lines.join(crlf ? '\r\n' : '\n') + '\n');
          const opts: ScanOptions = { prefilter, problemPrefilter, problems, chunkBytes, maxRecordLines: 50, maxCarryBytes: 400 };
          const js = await scan(pieces(buf, sizes), { ...opts, kernel: false });
          expect(await scan(pieces(buf, sizes), opts)).toEqual(js);
          expect(await scan(lent(buf, sizes), { ...opts, reusedChunks: true })).toEqual(js);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('hands on the records the JavaScript path hands on when chunks are large enough to retune the search to the text', async () => {
    const lines = fc.sample(LINE, { numRuns: 40_000, seed: 7 });
    const buf = Buffer.from(lines.join('\n') + '\n');
    expect(buf.length).toBeGreaterThan(1 << 20);
    for (const problems of [false, true]) {
      // Fresh pattern sets, so that this test's first large chunk is the one they are retuned on.
      const prefilter = buildPrefilter([...LITERALS]);
      const problemPrefilter = buildPrefilter([...LITERALS, ...PROBLEM_LITERALS]);
      const opts: ScanOptions = { prefilter, problemPrefilter, problems, chunkBytes: 300 << 10 };
      const js = await scan(pieces(buf, [300 << 10, 700 << 10]), { ...opts, kernel: false });
      expect(js.records.length).toBeGreaterThan(100);
      expect(await scan(pieces(buf, [300 << 10, 700 << 10]), opts)).toEqual(js);
    }
  });

  it('walks lines of any length, with newlines at every offset of a 64-byte block and the range ending anywhere', () => {
    const k = scanKernel()!;
    const literal = 'Could not complete snapshot';
    const prefilter = buildPrefilter([literal]);
    const col = 4;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 200 }), fc.constantFrom('ERROR', 'WARN ', 'FATAL', 'INFO ', `x ${literal}`)), { maxLength: 80 }),
        fc.nat(),
        (lines, cut) => {
          const buf = Buffer.from(lines.map(([len, text]) => `0123${text}${'z'.repeat(len)}`.slice(0, len)).join('\n'));
          // Newlines past the range's end, where the kernel's 64-byte loads reach, are not its lines.
          const limit = cut % (buf.length + 1);
          const hits = prefilter.find(buf, 0, limit);
          const want: number[] = [];
          let h = 0;
          let lineNo = 0;
          for (let ls = 0; ls < limit; lineNo++) {
            const nl = buf.indexOf(10, ls);
            const end = nl >= 0 && nl < limit ? nl : limit;
            const level = buf.toString('latin1', ls + col, ls + col + 2);
            if (end - ls > col + 2 && ['ER', 'WA', 'FA'].includes(level)) want.push(ls, ls, lineNo, -1);
            for (; h < hits.count && hits.pos[h]! <= end; h++) want.push(hits.pos[h]!, ls, lineNo, hits.lit[h]!);
            ls = end + 1;
          }
          const got = k.scan(prefilter, buf, limit, true, col)!;
          expect([...got.records]).toEqual(want);
          expect(got.newlines).toBe(buf.subarray(0, limit).filter((b) => b === 10).length);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('finds literals anywhere in large ranges (four cursors), like the JavaScript search', async () => {
    const prefilter = buildPrefilter(LITERALS);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: 200_000 }), fc.constantFrom(...LITERALS)), { maxLength: 40 }), async (plants) => {
        const buf = Buffer.alloc(200_100, 'a');
        for (let i = 99; i < buf.length; i += 100) buf[i] = 10;
        for (const [at, lit] of plants) buf.write(lit, Math.min(at, buf.length - lit.length - 1), 'latin1');
        const opts: ScanOptions = { prefilter, chunkBytes: 1 << 20 };
        const js = await scan(pieces(buf, [buf.length]), { ...opts, kernel: false });
        expect(await scan(pieces(buf, [buf.length]), opts)).toEqual(js);
        expect(js.records.length).toBeGreaterThanOrEqual(plants.length > 0 ? 1 : 0);
      }),
      { numRuns: 40 },
    );
  });

  it('falls back to JavaScript when the results overflow its regions', async () => {
    const prefilter = buildPrefilter(LITERALS);
    // 70,000 WARN lines in one chunk: more problem records than the kernel keeps.
    const warn = Buffer.from('2024-03-11 09:16:10,812 WARN  a.B [] - x\n'.repeat(70_000));
    // One literal over 4,096 times in an eighth of a chunk: more hits than a cursor keeps.
    const hits = Buffer.from('Completed checkpoint 1\n'.repeat(40_000));
    for (const buf of [warn, hits]) {
      const opts: ScanOptions = { prefilter, problems: true, chunkBytes: 8 << 20 };
      const js = await scan(pieces(buf, [buf.length]), { ...opts, kernel: false });
      expect(await scan(pieces(buf, [buf.length]), opts)).toEqual(js);
      expect(js.records.length).toBeGreaterThan(0);
    }
  });

  it('declines tables that do not fit and literals shorter than a block; the scan still finds them', async () => {
    const many = Array.from({ length: 6000 }, (_, i) => `literal number ${i} `);
    const short = ['ab', 'while link file to '];
    const buf = Buffer.from('x literal number 5999 y\nab while link file to z\n');
    for (const literals of [many, short]) {
      const prefilter = buildPrefilter(literals);
      expect(scanKernel()!.scan(prefilter, buf, buf.length, false, -1)).toBeNull();
      const got = await scan(pieces(buf, [7]), { prefilter });
      expect(got).toEqual(await scan(pieces(buf, [7]), { prefilter, kernel: false }));
      expect(got.records.length).toBeGreaterThan(0);
    }
  });

  it('lends read buffers from its memory, as many as it has, and takes them back', () => {
    const k = scanKernel()!;
    const a = k.lease(4, 1 << 20)!;
    expect(a.buffers.every((b) => b.buffer === a.buffers[0]!.buffer && b.length === 1 << 20)).toBe(true);
    const starts = a.buffers.map((b) => b.byteOffset).sort((x, y) => x - y);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(1 << 20);
    const b = k.lease(4, 1 << 20)!;
    expect(b).not.toBeNull();
    expect(k.lease(4, 1 << 20)).toBeNull();
    expect(k.lease(1, 2 << 20)).toBeNull();
    a.release();
    b.release();
    const all = k.lease(8, 1 << 20)!;
    expect(all).not.toBeNull();
    all.release();
  });

  it('scans files read into its buffers in place', async () => {
    const dir = tempDir();
    const file = join(dir, 'tm.log');
    writeFileSync(file, '2024-03-11 09:16:10,812 INFO  a.B [] - Completed checkpoint 3 for job x\n'.repeat(50_000));
    const seen = new Set<ArrayBufferLike>();
    async function* watched(): AsyncGenerator<Buffer> {
      for await (const c of readReused(file)) {
        seen.add(c.buffer);
        yield c;
      }
    }
    const prefilter = buildPrefilter(LITERALS);
    const got = await scan(watched(), { prefilter, problems: true, reusedChunks: true });
    const probe = scanKernel()!.lease(1, 1)!;
    expect([...seen]).toEqual([probe.buffers[0]!.buffer]);
    probe.release();
    expect(got.records.length).toBe(50_000);
  });
});
