// Multi-literal prefilter over raw bytes (Wu-Manber with 2-byte blocks).
// It finds every position where one of the literals starts, without decoding text; the scanner
// turns those positions into events. Exact in one direction: it never misses an occurrence.

/** A compiled set of literals that can be searched for in Buffers. */
export interface Prefilter {
  readonly literals: readonly string[];
  /** Calls `onHit(position, literalIndex)` for every occurrence start in `buf[from, to)`. */
  scan(buf: Buffer, from: number, to: number, onHit: (pos: number, literal: number) => void): void;
}

/** Builds a prefilter for the given literals (byte-exact, case-sensitive, latin1/UTF-8 bytes). */
export function buildPrefilter(literals: readonly string[]): Prefilter {
  const unique = [...new Set(literals.filter((l) => l.length > 0))];
  const bytes = unique.map((l) => Buffer.from(l, 'utf8'));
  if (bytes.length === 0) {
    return { literals: unique, scan() {} };
  }
  const minLen = Math.min(...bytes.map((b) => b.length));
  if (minLen < 2) return naivePrefilter(unique, bytes);

  const m = minLen;
  const defaultShift = m - 1;
  const shift = new Int32Array(65536).fill(defaultShift);
  // Candidates per final block of each literal's m-prefix; also keyed by the first two bytes.
  const table = new Map<number, number[]>();
  for (let li = 0; li < bytes.length; li++) {
    const b = bytes[li]!;
    for (let q = 1; q < m; q++) {
      const h = (b[q - 1]! << 8) | b[q]!;
      const s = m - 1 - q;
      if (s < shift[h]!) shift[h] = s;
    }
    const h = (b[m - 2]! << 8) | b[m - 1]!;
    let list = table.get(h);
    if (!list) table.set(h, (list = []));
    list.push(li);
  }
  const candidates: (Int32Array | undefined)[] = new Array(65536);
  for (const [h, list] of table) candidates[h] = Int32Array.from(list);

  return {
    literals: unique,
    scan(buf, from, to, onHit) {
      let pos = from + m - 1;
      while (pos < to) {
        const h = (buf[pos - 1]! << 8) | buf[pos]!;
        const s = shift[h]!;
        if (s !== 0) {
          pos += s;
          continue;
        }
        const start = pos - m + 1;
        const list = candidates[h]!;
        for (let k = 0; k < list.length; k++) {
          const li = list[k]!;
          const lit = bytes[li]!;
          const end = start + lit.length;
          if (end > to) continue;
          if (buf[start] !== lit[0]) continue;
          if (lit.length <= 16) {
            let j = 1;
            while (j < lit.length && buf[start + j] === lit[j]) j++;
            if (j === lit.length) onHit(start, li);
          } else if (buf.compare(lit, 0, lit.length, start, end) === 0) {
            onHit(start, li);
          }
        }
        pos += 1;
      }
    },
  };
}

function naivePrefilter(unique: string[], bytes: Buffer[]): Prefilter {
  return {
    literals: unique,
    scan(buf, from, to, onHit) {
      const hits: [number, number][] = [];
      bytes.forEach((lit, li) => {
        let p = buf.indexOf(lit, from);
        while (p !== -1 && p + lit.length <= to) {
          hits.push([p, li]);
          p = buf.indexOf(lit, p + 1);
        }
      });
      hits.sort((a, b) => a[0] - b[0]);
      for (const [p, li] of hits) onHit(p, li);
    },
  };
}
