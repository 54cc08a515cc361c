import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildPrefilter, lazyPrefilter } from '../../src/scan/prefilter.js';

function naive(buf: Buffer, literals: string[]): [number, number][] {
  const out: [number, number][] = [];
  const unique = [...new Set(literals.filter((l) => l.length > 0))];
  unique.forEach((l, li) => {
    const b = Buffer.from(l);
    for (let p = buf.indexOf(b); p !== -1; p = buf.indexOf(b, p + 1)) out.push([p, li]);
  });
  return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

function fast(buf: Buffer, literals: string[]): [number, number][] {
  const out: [number, number][] = [];
  buildPrefilter(literals).scan(buf, 0, buf.length, (p, li) => out.push([p, li]));
  return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

/** The naive search's occurrences that lie wholly within [from, to). */
function naiveIn(buf: Buffer, literals: string[], from: number, to: number): [number, number][] {
  const unique = [...new Set(literals.filter((l) => l.length > 0))];
  return naive(buf, literals).filter(([p, li]) => p >= from && p + Buffer.byteLength(unique[li]!) <= to);
}

/** The prefilter's hits in [from, to), in the order it reports them (not sorted). */
function findIn(buf: Buffer, literals: string[], from: number, to: number): [number, number][] {
  const got: [number, number][] = [];
  const h = buildPrefilter(literals).find(buf, from, to);
  for (let i = 0; i < h.count; i++) got.push([h.pos[i]!, h.lit[i]!]);
  return got;
}

describe('prefilter', () => {
  it('finds every occurrence of every literal, like a naive search', () => {
    const alphabet = fc.constantFrom(...'abc: \n-'.split(''));
    const word = fc.array(alphabet, { minLength: 1, maxLength: 8 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 6 }), fc.array(alphabet, { maxLength: 400 }), (lits, text) => {
        const buf = Buffer.from(text.join(''));
        expect(fast(buf, lits)).toEqual(naive(buf, lits));
      }),
      { numRuns: 400 },
    );
  });

  it('built on first use, finds what a prefilter built at once finds', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('Exception', ' WARN ', 'while link file to ', 'Decline checkpoint ', ''), { maxLength: 6 }), fc.array(fc.constantFrom('x', ' WARN ', 'Exception', 'Decline checkpoint 7', '\n'), { maxLength: 60 }), (lits, parts) => {
        const buf = Buffer.from(parts.join(''));
        const lazy = lazyPrefilter(lits);
        const now = buildPrefilter(lits);
        expect(lazy.literals).toEqual(now.literals);
        const a = lazy.find(buf, 0, buf.length);
        const got = Array.from(a.pos.subarray(0, a.count));
        const b = now.find(buf, 0, buf.length);
        expect(got).toEqual(Array.from(b.pos.subarray(0, b.count)));
        const seen: number[] = [];
        lazy.scan(buf, 0, buf.length, (p) => seen.push(p));
        expect(seen).toEqual(got);
      }),
      { numRuns: 200 },
    );
  });

  it('finds literals planted in random bytes, including at the edges', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.nat(), (bytes, seed) => {
        const lits = ['while link file to ', 'No space left on device', 'Decline checkpoint '];
        const lit = lits[seed % lits.length]!;
        const pos = bytes.length === 0 ? 0 : seed % (bytes.length + 1);
        const buf = Buffer.concat([Buffer.from(bytes.subarray(0, pos)), Buffer.from(lit), Buffer.from(bytes.subarray(pos))]);
        const hits = fast(buf, lits);
        expect(hits).toEqual(naive(buf, lits));
        expect(hits.some(([p]) => p === pos)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('finds long and short literals together (two passes), in position order, within any range', () => {
    const alphabet = fc.constantFrom(...'abc: \n-'.split(''));
    const word = fc.array(alphabet, { minLength: 1, maxLength: 16 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 8 }), fc.array(alphabet, { maxLength: 600 }), fc.nat(), fc.nat(), (lits, text, a, b) => {
        const buf = Buffer.from(text.join(''));
        const from = buf.length === 0 ? 0 : a % buf.length;
        const to = from + (buf.length - from === 0 ? 0 : b % (buf.length - from + 1));
        // Not sorted here: the scanner relies on hits coming in position order.
        expect(findIn(buf, lits, from, to)).toEqual(naiveIn(buf, lits, from, to));
      }),
      { numRuns: 500 },
    );
  });

  it('finds every occurrence in large ranges, scanned by four cursors, also across their borders', () => {
    const lits = ['while link file to ', 'No space left on device', 'Decline checkpoint ', 'OutOfMemoryError', 'Could not complete snapshot'];
    fc.assert(
      fc.property(fc.integer({ min: 64 << 10, max: 300 << 10 }), fc.array(fc.nat(), { minLength: 1, maxLength: 30 }), fc.nat(), fc.nat(), (size, seeds, a, b) => {
        const filler = 'lorem ipsum dolor sit amet, Decline checkpoin No space left on devic while link file t\n';
        const buf = Buffer.from(filler.repeat(Math.ceil(size / filler.length)).slice(0, size));
        const from = a % 4096;
        const to = buf.length - (b % 4096);
        const q = Math.floor((to - from) / 4);
        // Literals planted at random places, then one at each quarter border: across it (starting
        // up to 30 bytes before it) or just after it (where the previous cursor still looks).
        seeds.forEach((x, i) => {
          const lit = lits[(x + i) % lits.length]!;
          const at = x % buf.length;
          if (at + lit.length <= buf.length) buf.write(lit, at, 'latin1');
        });
        [1, 2, 3].forEach((k) => {
          const lit = lits[(a + k) % lits.length]!;
          const across = (a + b + k) % 2 === 0;
          buf.write(lit, across ? from + k * q - 1 - ((b + k * 7) % Math.min(30, lit.length - 1)) : from + k * q + ((b + k) % 4), 'latin1');
        });
        expect(findIn(buf, lits, from, to)).toEqual(naiveIn(buf, lits, from, to));
      }),
      { numRuns: 40 },
    );
  });

  it('respects the scan range', () => {
    const buf = Buffer.from('xx while link file to yy while link file to');
    const hits: number[] = [];
    buildPrefilter(['while link file to']).scan(buf, 5, buf.length, (p) => hits.push(p));
    expect(hits).toEqual([25]);
  });
});
