// Multi-literal prefilter over raw bytes (Wu-Manber with 2-byte blocks).
// It finds every position where one of the literals starts, without decoding text; the scanner
// turns those positions into events. Exact in one direction: it never misses an occurrence.

/** A compiled set of literals that can be searched for in Buffers. */
export interface Prefilter {
  readonly literals: readonly string[];
  /**
   * Finds every occurrence start in `buf[from, to)`; the result is valid until the next call
   * (hits are written into reused arrays: no callback per hit, so the hot loop stays monomorphic).
   */
  find(buf: Buffer, from: number, to: number): Hits;
  /** Calls `onHit(position, literalIndex)` for every occurrence start in `buf[from, to)`. */
  scan(buf: Buffer, from: number, to: number, onHit: (pos: number, literal: number) => void): void;
}

/** Hit positions (ascending) and the index of the literal found at each. */
export interface Hits {
  count: number;
  pos: Int32Array;
  lit: Int32Array;
}

function makeHits(): Hits & { push(p: number, l: number): void } {
  const h = {
    count: 0,
    pos: new Int32Array(256),
    lit: new Int32Array(256),
    push(p: number, l: number): void {
      if (h.count === h.pos.length) {
        const pos = new Int32Array(h.pos.length * 2);
        pos.set(h.pos);
        const lit = new Int32Array(h.lit.length * 2);
        lit.set(h.lit);
        h.pos = pos;
        h.lit = lit;
      }
      h.pos[h.count] = p;
      h.lit[h.count] = l;
      h.count++;
    },
  };
  return h;
}

function withCallback(find: Prefilter['find']): Prefilter['scan'] {
  return (buf, from, to, onHit) => {
    const h = find(buf, from, to);
    for (let i = 0; i < h.count; i++) onHit(h.pos[i]!, h.lit[i]!);
  };
}

/** Builds a prefilter for the given literals (byte-exact, case-sensitive, latin1/UTF-8 bytes). */
export function buildPrefilter(literals: readonly string[]): Prefilter {
  const unique = [...new Set(literals.filter((l) => l.length > 0))];
  const bytes = unique.map((l) => Buffer.from(l, 'utf8'));
  if (bytes.length === 0) {
    const empty = makeHits();
    return { literals: unique, find: () => empty, scan() {} };
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

  const hits = makeHits();
  const find = (buf: Buffer, from: number, to: number): Hits => {
    hits.count = 0;
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
        const len = lit.length;
        if (start + len > to || buf[start] !== lit[0]) continue;
        let j = 1;
        while (j < len && buf[start + j] === lit[j]) j++;
        if (j === len) hits.push(start, li);
      }
      pos += 1;
    }
    return hits;
  };
  return { literals: unique, find, scan: withCallback(find) };
}

function naivePrefilter(unique: string[], bytes: Buffer[]): Prefilter {
  const hits = makeHits();
  const find = (buf: Buffer, from: number, to: number): Hits => {
    const found: [number, number][] = [];
    bytes.forEach((lit, li) => {
      let p = buf.indexOf(lit, from);
      while (p !== -1 && p + lit.length <= to) {
        found.push([p, li]);
        p = buf.indexOf(lit, p + 1);
      }
    });
    found.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    hits.count = 0;
    for (const [p, li] of found) hits.push(p, li);
    return hits;
  };
  return { literals: unique, find, scan: withCallback(find) };
}
