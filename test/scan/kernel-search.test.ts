// The kernel's two ways of running a search pass, Teddy (SIMD) and Wu-Manber (scalar), against
// each other and against the JavaScript prefilter: the same hits over random buffers with
// literals planted at every alignment, across the parts a range is split into and across
// chunk borders, overlapping each other and inside non-ASCII text; and the choice by measured
// cost, which keeps the hits the same while it times the ways.

import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { buildPrefilter, tunedTables, type Prefilter } from '../../src/scan/prefilter.js';
import { teddyTables } from '../../src/scan/teddy.js';
import { scanKernel, type SearchEngine } from '../../src/scan/kernel.js';
import { scanStream, type RawEvent, type ScanOptions } from '../../src/scan/scanner.js';
import { PROBLEM_LITERALS, scanLiterals } from '../../src/detect/detector.js';
import { loadPatterns } from '../../src/detect/pattern.js';
import { pieces } from './chunks.js';

/** The JavaScript prefilter's hits as (position, literal) pairs. */
function reference(prefilter: Prefilter, buf: Buffer, limit: number): number[] {
  const h = prefilter.find(buf, 0, limit);
  const out: number[] = [];
  for (let i = 0; i < h.count; i++) out.push(h.pos[i]!, h.lit[i]!);
  return out;
}

function kernelHits(prefilter: Prefilter, buf: Buffer, limit: number, engine: SearchEngine): number[] {
  const got = scanKernel()!.find(prefilter, buf, limit, engine);
  expect(got).not.toBeNull();
  return [...got!];
}

/** Both ways and the JavaScript search agree on buf[0, limit); returns the hits. */
function agree(prefilter: Prefilter, buf: Buffer, limit = buf.length): number[] {
  const js = reference(prefilter, buf, limit);
  expect(kernelHits(prefilter, buf, limit, 'teddy')).toEqual(js);
  expect(kernelHits(prefilter, buf, limit, 'wu-manber')).toEqual(js);
  return js;
}

/** Literals over a small alphabet (so that they overlap and share windows), some with non-ASCII characters; long and short ones (two passes). */
const SYMBOLS = ['a', 'b', 'c', ' ', ':', 'ü', '€', 'E', 'R'];
const literal = fc.array(fc.constantFrom(...SYMBOLS), { minLength: 3, maxLength: 16 }).map((a) => a.join(''));
const text = (max: number) => fc.array(fc.constantFrom(...SYMBOLS, '\n', 'x', 'yz'), { maxLength: max }).map((a) => Buffer.from(a.join('')));

/** Writes literal `lit` into `buf` at `at` (clamped to fit). */
function plant(buf: Buffer, lit: string, at: number): void {
  const b = Buffer.from(lit);
  if (b.length > buf.length) return;
  b.copy(buf, Math.max(0, Math.min(at, buf.length - b.length)));
}

describe('kernel search: Teddy and Wu-Manber', () => {
  it('Teddy has tables for the passes of ordinary literal sets, none for literals shorter than its window', () => {
    const bytes = ['while link file to', 'ab', 'Exception'].map((l) => Buffer.from(l));
    expect(teddyTables(bytes, [0, 2])).not.toBeNull();
    expect(teddyTables(bytes, [1])).toBeNull();
    const t = teddyTables(bytes, [0, 2])!;
    expect(t.buckets.flat().sort()).toEqual([0, 2]);
    // Each literal's window is 3 of its bytes, and its bucket's masks let the window through.
    for (const li of [0, 2]) {
      const b = bytes[li]!;
      const o = t.offset[li]!;
      expect(t.window[li]).toBe(b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16));
      const bucket = t.buckets.findIndex((ids) => ids.includes(li));
      for (let j = 0; j < 3; j++) {
        const x = b[o + j]!;
        expect(t.masks[32 * j + (x & 15)]! & t.masks[32 * j + 16 + (x >> 4)]! & (1 << bucket)).not.toBe(0);
      }
    }
  });

  it('find the same hits over random text with random literals planted anywhere, overlapping, in non-ASCII text', () => {
    fc.assert(
      fc.property(
        fc.array(literal, { minLength: 1, maxLength: 12 }),
        text(3000),
        fc.array(fc.tuple(fc.nat(), fc.nat(3000)), { maxLength: 30 }),
        (lits, buf, plants) => {
          for (const [i, at] of plants) plant(buf, lits[i % lits.length]!, at);
          agree(buildPrefilter(lits), buf);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('find every literal at every alignment to a 16-byte block, at the start and at the very end of the range', () => {
    const lits = ['while link file to', 'Exception', 'Caused by: ', ' WARN ', 'Müller & Söhne', 'ab€'];
    const prefilter = buildPrefilter(lits);
    for (const lit of lits) {
      const len = Buffer.byteLength(lit);
      for (let at = 0; at < 40; at++) {
        // Planted at `at`, the range ending right after it, or a few bytes later.
        for (const tail of [0, 1, 2, 3, 15, 16, 17]) {
          const buf = Buffer.alloc(at + len + tail, 'x');
          plant(buf, lit, at);
          const hits = agree(prefilter, buf);
          expect(hits).toContain(at);
        }
        // One byte cut off the end: not found, by either way.
        const cut = Buffer.alloc(at + len, 'x');
        plant(cut, lit, at);
        expect(agree(prefilter, cut, at + len - 1)).not.toContain(at);
      }
    }
  });

  it('find the same hits with the search retuned to a sample of the text (each literal entered by its rarest window there)', () => {
    fc.assert(
      fc.property(
        fc.array(literal, { minLength: 1, maxLength: 12 }),
        text(3000),
        fc.array(fc.tuple(fc.nat(), fc.nat(3000)), { maxLength: 30 }),
        fc.oneof(text(3000), fc.constant(null)),
        (lits, buf, plants, other) => {
          for (const [li, at] of plants) plant(buf, lits[li % lits.length]!, at);
          const prefilter = buildPrefilter(lits);
          // The sample is the text itself (the literals' windows are then as rare as they can be there) or other text.
          const tuned = tunedTables(prefilter.tables()!, other ?? buf);
          const retuned: Prefilter = { ...prefilter, tables: () => tuned };
          const js = reference(prefilter, buf, buf.length);
          expect(kernelHits(retuned, buf, buf.length, 'wu-manber')).toEqual(js);
          expect(kernelHits(retuned, buf, buf.length, 'teddy')).toEqual(js);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('retune by the byte model where the sample does not tell windows apart (an empty sample: the windows of the model)', () => {
    const prefilter = buildPrefilter(['while link file to', 'Could not complete snapshot', 'java.lang.OutOfMemoryError: Java heap space']);
    const own = prefilter.tables()!.passes[0]!;
    const tuned = tunedTables(prefilter.tables()!, Buffer.alloc(0)).passes[0]!;
    expect([...tuned.offset]).toEqual([...own.offset]);
    expect([...own.offset].some((o) => o > 0)).toBe(true);
  });

  it('retune the search to the first large chunk of the text: fewer comparisons for literals the byte model misjudges, the same hits', () => {
    const k = scanKernel()!;
    // Capitals such as Q, X, Z, J make up the byte model's rarest windows; here they are the text's commonest.
    const lits = ['QXZJQXZJQXZJ near the end of it', 'hello world'];
    const prefilter = buildPrefilter(lits);
    const line = 'QXZJQXZJQXZJQXZJQXZJQXZJQXZJQXZJ QXZJQXZJQXZJQXZJQXZJ\n';
    const buf = Buffer.from(line.repeat(Math.ceil((300 << 10) / line.length)) + lits.join('\n') + '\n');
    const js = reference(prefilter, buf, buf.length);
    expect(js).toHaveLength(4);
    expect([...k.find(prefilter, buf, buf.length, 'auto')!]).toEqual(js);
    const own = prefilter.tables()!.passes[0]!;
    const tuned = tunedTables(prefilter.tables()!, buf).passes[0]!;
    // Comparisons due: window ends whose block has literals entered by it.
    const due = (p: typeof own): number => {
      let n = 0;
      for (let i = 2; i < buf.length; i++) if (p.candidates[Math.imul(buf[i - 2]! | (buf[i - 1]! << 8) | (buf[i]! << 16), 0x9e3779b1) >>> 16]) n++;
      return n;
    };
    expect(due(tuned)).toBeLessThan(due(own) / 100);
  });

  it('find literals planted across the parts of a large range (eighths, quarters), with the hits in order', () => {
    const lits = ['while link file to', 'Could not complete snapshot', 'Exception', ' WARN ', '[WARN', 'Error: ', 'Kunde «Müller»'];
    const prefilter = buildPrefilter(lits);
    fc.assert(
      fc.property(
        fc.integer({ min: 70_000, max: 300_000 }),
        fc.array(fc.tuple(fc.nat(lits.length - 1), fc.integer({ min: 0, max: 7 }), fc.integer({ min: -30, max: 30 })), { maxLength: 40 }),
        (size, plants) => {
          const buf = Buffer.alloc(size, 'a');
          for (let i = 79; i < size; i += 80) buf[i] = 10;
          const q = Math.floor(size / 8);
          for (const [li, k, d] of plants) plant(buf, lits[li]!, k * q + d);
          const hits = agree(prefilter, buf);
          for (let i = 2; i < hits.length; i += 2) expect(hits[i]! > hits[i - 2]! || (hits[i] === hits[i - 2] && hits[i + 1]! > hits[i - 1]!)).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('find overlapping and nested literals, and literals sharing their rarest window', () => {
    const lits = ['checkpoint', 'Decline checkpoint', 'checkpoint 1', 'Completed checkpoint', 'point 1 of', 'ckp', 'ckpt'];
    const buf = Buffer.from('Decline checkpoint 1 of job x\nCompleted checkpoint 1 of 2 ckpt ckp\ncheckpointcheckpoint 1 of\n');
    const hits = agree(buildPrefilter(lits), buf);
    expect(hits.length / 2).toBeGreaterThanOrEqual(10);
  });

  it('find the same hits with the problem literals (two passes: long literals and short ones), for every choice of ways', () => {
    const prefilter = buildPrefilter(['while link file to', 'java.lang.OutOfMemoryError', ...PROBLEM_LITERALS]);
    expect(prefilter.tables()!.passes.length).toBe(2);
    const line = fc.constantFrom(
      '2024-03-11 09:16:10,812 WARN  a.B [] - x',
      '2024-03-11 09:16:10,812 [main] ERROR a.B - java.lang.OutOfMemoryError: Java heap space',
      'Caused by: java.io.IOException: while link file to /a: Not supported',
      '\tat a.B.c(B.java:1)',
      'Kunde «Müller & Söhne» bestellt 3 Stück – Lieferung nach Zürich',
      '[WARN] [ERROR x Error: y IO error: z Exception',
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 3000 }), (lines) => {
        agree(prefilter, Buffer.from(lines.join('\n')));
      }),
      { numRuns: 30 },
    );
  });

  it('choose the cheaper way per pattern set by timing every way on the first large chunks, finding the same hits meanwhile', () => {
    const k = scanKernel()!;
    const prefilter = buildPrefilter(['while link file to', 'Could not complete snapshot', ...PROBLEM_LITERALS]);
    const line = '2024-03-11 09:16:10,812 INFO  a.B [] - Could not complete snapshot 3; while link file to x; [WARN] Exception\n';
    const buf = Buffer.from(line.repeat(Math.ceil((300 << 10) / line.length)));
    const js = reference(prefilter, buf, buf.length);
    expect(k.searchOf(prefilter)).toBeNull();
    for (let i = 0; i < 6; i++) expect([...k.find(prefilter, buf, buf.length, 'auto')!]).toEqual(js);
    const chosen = k.searchOf(prefilter)!;
    expect(chosen).toHaveLength(2);
    for (const way of chosen) expect(['teddy', 'wu-manber']).toContain(way);
  });

  it('keep to the cheaper way when single timings are inflated (the first run compiling, the thread descheduled)', () => {
    const k = scanKernel()!;
    // Hundreds of literals: Teddy's buckets pass most positions, and it is many times slower than Wu-Manber.
    const prefilter = buildPrefilter(scanLiterals(loadPatterns()));
    const line = (i: number): string =>
      `2024-03-11 09:16:${String(i % 60).padStart(2, '0')},812 INFO  org.apache.flink.runtime.taskexecutor.TaskExecutor [] - Processed ${i * 7919} records in partition orders-${i % 24} (lag ${i % 5000})\n`;
    const buf = Buffer.from(Array.from({ length: 3000 }, (_, i) => line(i)).join(''));
    expect(buf.length).toBeGreaterThan(256 << 10);
    const js = reference(prefilter, buf, buf.length);
    // A clock that stalls for a second during the first interval timed, as a descheduled thread would.
    const now = performance.now.bind(performance);
    let calls = 0;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => now() + (++calls >= 2 ? 1000 : 0));
    try {
      for (let i = 0; i < 6; i++) expect([...k.find(prefilter, buf, buf.length, 'auto')!]).toEqual(js);
    } finally {
      clock.mockRestore();
    }
    expect(calls).toBeGreaterThan(2);
    expect(k.searchOf(prefilter)).toEqual(['wu-manber']);
  });

  it('hand on the same records through the scanner with Teddy as with JavaScript, for any chunking', async () => {
    const k = scanKernel()!;
    const lits = ['while link file to ', 'Could not complete snapshot', 'java.lang.OutOfMemoryError', 'Müller'];
    const prefilter = buildPrefilter(lits);
    const problemPrefilter = buildPrefilter([...lits, ...PROBLEM_LITERALS]);
    const line = fc.oneof(
      fc.constantFrom(
        '2024-03-11 09:16:10,812 WARN  org.apache.flink.runtime.taskmanager.Task [] - Could not complete snapshot 3 for operator A (1/1).',
        '2024-03-11 09:16:10,813 ERROR org.apache.flink.runtime.taskmanager.Task [] - java.lang.OutOfMemoryError: Java heap space',
        '2024-03-11 09:16:11 WARN [main] a.b.C - Kunde «Müller & Söhne» no fixed column here',
        'Caused by: org.rocksdb.RocksDBException: while link file to /a/chk-7.tmp/1.sst: /a/db/1.sst: Not supported',
        '\tat org.rocksdb.Checkpoint.createCheckpoint(Native Method)',
        '',
      ),
      fc.string({ maxLength: 40 }),
    );
    const scan = async (buf: Buffer, sizes: number[], opts: ScanOptions): Promise<RawEvent[]> => {
      const records: RawEvent[] = [];
      await scanStream(pieces(buf, sizes), opts, (r) => records.push(r));
      return records;
    };
    const saved = k.searchEngine;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(line, { maxLength: 60 }),
          fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 4 }),
          fc.integer({ min: 1, max: 300 }),
          fc.boolean(),
          async (lines, sizes, chunkBytes, problems) => {
            const buf = Buffer.from(lines.join('\n') + '\n');
            const opts: ScanOptions = { prefilter, problemPrefilter, problems, chunkBytes, maxRecordLines: 50, maxCarryBytes: 400 };
            const js = await scan(buf, sizes, { ...opts, kernel: false });
            k.searchEngine = 'teddy';
            expect(await scan(buf, sizes, opts)).toEqual(js);
          },
        ),
        { numRuns: 200 },
      );
    } finally {
      k.searchEngine = saved;
    }
  });
});
