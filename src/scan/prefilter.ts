// Multi-literal prefilter over raw bytes (Wu-Manber with 3-byte blocks; the tables of the SIMD
// search, Teddy, are built by teddy.ts).
// It finds every position where one of the literals starts, without decoding text; the scanner
// turns those positions into events. Exact in one direction: it never misses an occurrence.
// Over 400 lines: the JavaScript search, the Wu-Manber tables the scan kernel runs (as built
// and as retuned to a text) and the choice of each literal's window belong together, since the
// kernel's hits must be exactly the JavaScript search's.

import { BYTE_WEIGHT } from './byte-weight.js';
import { teddyTables, type TeddyTables } from './teddy.js';

export type { TeddyTables } from './teddy.js';

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
  /**
   * The search as tables, for the scan kernel (kernel.ts) to run: the literals' bytes and one
   * table set per pass. Null when a literal is shorter than a block (searched with indexOf).
   */
  tables(): SearchTables | null;
}

/** What the scan kernel needs to run a prefilter's search. */
export interface SearchTables {
  /** The literals' bytes, by literal index. */
  bytes: readonly Buffer[];
  passes: readonly PassTables[];
}

/** One Wu-Manber pass: its window length, tables and literals. */
export interface PassTables {
  /** Window length: the shortest literal of the pass. */
  readonly m: number;
  /** How far past its start a literal's window can end. */
  readonly reach: number;
  /** Shift per 3-byte block (see block()). */
  readonly shift: Uint8Array;
  /** Literals whose window ends in each block (only for blocks with shift 0). */
  readonly candidates: readonly (Int32Array | undefined)[];
  /** Start of each literal's window within it, by literal index (for this pass's literals). */
  readonly offset: Int32Array;
  /** The literal indexes this pass searches for. */
  readonly ids: readonly number[];
  /** The same pass for the kernel's SIMD loop (teddyTables()). */
  readonly teddy: TeddyTables | null;
}

/** Hit positions (ascending) and the index of the literal found at each. */
export interface Hits {
  count: number;
  pos: Int32Array;
  lit: Int32Array;
}

/** Hits that can be added to (the arrays grow as needed). */
type HitList = Hits & { push(p: number, l: number): void };

function makeHits(): HitList {
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

/**
 * Literals at least this long are searched together in one pass; shorter ones (which would cap
 * every shift of that pass) get a second pass of their own. Built-in patterns keep to this length.
 */
export const LONG_LITERAL = 11;

/**
 * A prefilter built on its first search: for one that a scan may never need (the problem-line
 * prefilter is used only by sources whose level is not at a fixed column).
 */
export function lazyPrefilter(literals: readonly string[]): Prefilter {
  let built: Prefilter | null = null;
  const get = (): Prefilter => (built ??= buildPrefilter(literals));
  return {
    literals: [...new Set(literals.filter((l) => l.length > 0))],
    find: (buf, from, to) => get().find(buf, from, to),
    scan: (buf, from, to, onHit) => get().scan(buf, from, to, onHit),
    tables: () => get().tables(),
  };
}

/** Builds a prefilter for the given literals (byte-exact, case-sensitive, latin1/UTF-8 bytes). */
export function buildPrefilter(literals: readonly string[]): Prefilter {
  const unique = [...new Set(literals.filter((l) => l.length > 0))];
  const bytes = unique.map((l) => Buffer.from(l, 'utf8'));
  const hits = makeHits();
  if (bytes.length === 0) return { literals: unique, find: () => ((hits.count = 0), hits), scan() {}, tables: () => ({ bytes, passes: [] }) };
  const all = bytes.map((_, i) => i);
  const long = all.filter((i) => bytes[i]!.length >= LONG_LITERAL);
  const short = all.filter((i) => bytes[i]!.length < LONG_LITERAL);
  const passes = [long, short].filter((ids) => ids.length > 0).map((ids) => searcher(bytes, ids));
  // Each pass's hits are in position order; two passes are merged in one linear step (inserting
  // the second pass's hits one by one among the first's costs their product on hit-dense text).
  const second = makeHits();
  const merged = makeHits();
  const find = (buf: Buffer, from: number, to: number): Hits => {
    hits.count = 0;
    passes[0]!.find(buf, from, to, hits);
    if (passes.length < 2) return hits;
    second.count = 0;
    passes[1]!.find(buf, from, to, second);
    if (second.count === 0) return hits;
    mergeHits(hits, second, merged);
    hits.count = 0;
    for (let i = 0; i < merged.count; i++) hits.push(merged.pos[i]!, merged.lit[i]!);
    return hits;
  };
  const tables = passes.every((p) => p instanceof WuManber) ? { bytes, passes: passes as WuManber[] } : null;
  return { literals: unique, find, scan: withCallback(find), tables: () => tables };
}

/** A pass: appends the occurrences of its literals in `buf[from, to)` to `hits`, keeping them in position order. */
interface Pass {
  find(buf: Buffer, from: number, to: number, hits: HitList): void;
}

/**
 * Wu-Manber over 3-byte blocks with m = the shortest literal's length. Each literal is entered
 * by the m-byte window of it whose blocks are least likely in log text, so that common blocks
 * ("ing", "er ") keep long shifts and rarely trigger a comparison. Three bytes rather than two:
 * on the benchmark's log, a comparison was due at 3% of the steps instead of 16%, and the search
 * ran about 13% faster, although the longest shift is one byte shorter.
 */
function searcher(bytes: Buffer[], ids: number[]): Pass {
  const m = Math.min(255, ...ids.map((i) => bytes[i]!.length));
  if (m < 3) return naivePass(bytes, ids);
  return new WuManber(bytes, ids, m);
}

/**
 * The search tables and loops. A class, not closures: every prefilter runs the same method code,
 * so the optimiser sees one call target for verify and run whichever prefilter is searching.
 */
class WuManber implements Pass, PassTables {
  /** Shift per block (see block()); bytes, so the 64 KiB table stays in cache between chunks. */
  readonly shift: Uint8Array;
  readonly candidates: (Int32Array | undefined)[] = new Array(65536);
  readonly offset: Int32Array;
  readonly reach: number;
  private teddyBuilt: TeddyTables | null | undefined;
  private readonly lanes: HitList[] = [makeHits(), makeHits(), makeHits(), makeHits()];

  constructor(
    private readonly bytes: Buffer[],
    readonly ids: number[],
    readonly m: number,
    counts?: Uint32Array,
  ) {
    this.shift = new Uint8Array(65536).fill(m - 2);
    this.offset = new Int32Array(bytes.length);
    const table = new Map<number, number[]>();
    let maxOffset = 0;
    for (const li of ids) {
      const b = bytes[li]!;
      const o = counts ? rarestWindow(b, m, counts) : quietestWindow(b, m);
      this.offset[li] = o;
      maxOffset = Math.max(maxOffset, o);
      for (let q = 2; q < m; q++) {
        const h = block(b[o + q - 2]!, b[o + q - 1]!, b[o + q]!);
        const s = m - 1 - q;
        if (s < this.shift[h]!) this.shift[h] = s;
      }
      const h = block(b[o + m - 3]!, b[o + m - 2]!, b[o + m - 1]!);
      let list = table.get(h);
      if (!list) table.set(h, (list = []));
      list.push(li);
    }
    for (const [h, list] of table) this.candidates[h] = Int32Array.from(list);
    this.reach = maxOffset + m - 1;
  }

  /** Teddy's tables for this pass, built when the kernel first asks (a prefilter searched in JavaScript never needs them). */
  get teddy(): TeddyTables | null {
    if (this.teddyBuilt === undefined) this.teddyBuilt = teddyTables(this.bytes, this.ids);
    return this.teddyBuilt;
  }

  /** Compares the literals whose window ends at `pos` (block `h`); keeps those starting in [lo, hi) and ending by `to`. */
  private verify(buf: Buffer, pos: number, h: number, lo: number, hi: number, to: number, out: HitList): void {
    const list = this.candidates[h]!;
    for (let k = 0; k < list.length; k++) {
      const li = list[k]!;
      const lit = this.bytes[li]!;
      const len = lit.length;
      const start = pos - this.m + 1 - this.offset[li]!;
      if (start < lo || start >= hi || start + len > to || buf[start] !== lit[0]) continue;
      let j = 1;
      while (j < len && buf[start + j] === lit[j]) j++;
      if (j === len) insertHit(out, start, li);
    }
  }

  /** One cursor: occurrences starting in [lo, hi), window ends scanned from `pos` up to `end`. */
  private run(buf: Buffer, pos: number, end: number, lo: number, hi: number, to: number, out: HitList): void {
    const shift = this.shift;
    while (pos < end) {
      const h = block(buf[pos - 2]!, buf[pos - 1]!, buf[pos]!);
      const s = shift[h]!;
      if (s !== 0) {
        pos += s;
        continue;
      }
      this.verify(buf, pos, h, lo, hi, to, out);
      pos += 1;
    }
  }

  /**
   * Four cursors over four quarters of the range, stepped in turn: each step waits for its table
   * lookup, and four independent cursors keep the processor busy meanwhile (about 1.5x faster
   * than one). Their hits are merged in order afterwards.
   */
  find(buf: Buffer, from: number, to: number, hits: HitList): void {
    const m = this.m;
    if (to - from < 64 << 10) {
      this.run(buf, from + m - 1, to, from, to, to, hits);
      return;
    }
    const shift = this.shift;
    const q = Math.floor((to - from) / 4);
    const s1 = from + q;
    const s2 = from + 2 * q;
    const s3 = from + 3 * q;
    const e0 = Math.min(to, s1 + this.reach);
    const e1 = Math.min(to, s2 + this.reach);
    const e2 = Math.min(to, s3 + this.reach);
    const lanes = this.lanes;
    const h0 = lanes[0]!;
    const h1 = lanes[1]!;
    const h2 = lanes[2]!;
    const h3 = lanes[3]!;
    h0.count = h1.count = h2.count = h3.count = 0;
    let p0 = from + m - 1;
    let p1 = s1 + m - 1;
    let p2 = s2 + m - 1;
    let p3 = s3 + m - 1;
    while (p0 < e0 && p1 < e1 && p2 < e2 && p3 < to) {
      const a = block(buf[p0 - 2]!, buf[p0 - 1]!, buf[p0]!);
      const b = block(buf[p1 - 2]!, buf[p1 - 1]!, buf[p1]!);
      const c = block(buf[p2 - 2]!, buf[p2 - 1]!, buf[p2]!);
      const d = block(buf[p3 - 2]!, buf[p3 - 1]!, buf[p3]!);
      const sa = shift[a]!;
      const sb = shift[b]!;
      const sc = shift[c]!;
      const sd = shift[d]!;
      if (sa === 0) {
        this.verify(buf, p0, a, from, s1, to, h0);
        p0++;
      } else p0 += sa;
      if (sb === 0) {
        this.verify(buf, p1, b, s1, s2, to, h1);
        p1++;
      } else p1 += sb;
      if (sc === 0) {
        this.verify(buf, p2, c, s2, s3, to, h2);
        p2++;
      } else p2 += sc;
      if (sd === 0) {
        this.verify(buf, p3, d, s3, to, to, h3);
        p3++;
      } else p3 += sd;
    }
    this.run(buf, p0, e0, from, s1, to, h0);
    this.run(buf, p1, e1, s1, s2, to, h1);
    this.run(buf, p2, e2, s2, s3, to, h2);
    this.run(buf, p3, to, s3, to, to, h3);
    for (let k = 0; k < 4; k++) {
      const lane = lanes[k]!;
      for (let i = 0; i < lane.count; i++) insertHit(hits, lane.pos[i]!, lane.lit[i]!);
    }
  }
}

/**
 * The search of `tables` with each literal entered by the window that is rarest in `sample` (a
 * first chunk of the text searched) instead of by the byte model: the same hits, with far fewer
 * comparisons when the model misjudges the text. On the benchmark's log, the built-in set's
 * comparisons fell from about 6,200 per MB to 40 and the steps grew from 7.8 to 8.4 bytes.
 * Tables of a pass that is not Wu-Manber's are kept as they are.
 */
export function tunedTables(tables: SearchTables, sample: Buffer): SearchTables {
  const counts = new Uint32Array(65536);
  for (let i = 2; i < sample.length; i++) counts[block(sample[i - 2]!, sample[i - 1]!, sample[i]!)]++;
  const bytes = tables.bytes as Buffer[];
  return { bytes, passes: tables.passes.map((p) => (p instanceof WuManber ? new WuManber(bytes, p.ids as number[], p.m, counts) : p)) };
}

/** Table index of the 3-byte block a b c: the top 16 bits of a multiplicative hash (different blocks may share an index: verify compares the bytes). */
function block(a: number, b: number, c: number): number {
  return Math.imul(a | (b << 8) | (c << 16), 0x9e3779b1) >>> 16;
}

/** Merges two position-ordered hit lists into `out` (cleared first), in position then literal order. */
function mergeHits(a: Hits, b: Hits, out: HitList): void {
  out.count = 0;
  let i = 0;
  let j = 0;
  while (i < a.count || j < b.count) {
    const takeA = j >= b.count || (i < a.count && (a.pos[i]! < b.pos[j]! || (a.pos[i] === b.pos[j] && a.lit[i]! <= b.lit[j]!)));
    if (takeA) {
      out.push(a.pos[i]!, a.lit[i]!);
      i++;
    } else {
      out.push(b.pos[j]!, b.lit[j]!);
      j++;
    }
  }
}

/** Adds a hit, moving it before later positions found earlier (windows differ per literal). */
function insertHit(hits: HitList, p: number, li: number): void {
  hits.push(p, li);
  const pos = hits.pos;
  const lit = hits.lit;
  let i = hits.count - 1;
  while (i > 0 && (pos[i - 1]! > p || (pos[i - 1] === p && lit[i - 1]! > li))) {
    pos[i] = pos[i - 1]!;
    lit[i] = lit[i - 1]!;
    i--;
  }
  pos[i] = p;
  lit[i] = li;
}

/**
 * Start of the m-byte window of `b` whose blocks cost least by `blockCost` (the cost of the block
 * ending at q): its last block (what triggers a comparison) weighs a hundred times the others
 * (what shorten shifts).
 */
function cheapestWindow(b: Buffer, m: number, blockCost: (q: number) => number): number {
  let best = 0;
  let bestCost = Infinity;
  for (let o = 0; o + m <= b.length; o++) {
    let cost = 100 * blockCost(o + m - 1);
    for (let q = o + 2; q < o + m - 1; q++) cost += blockCost(q);
    if (cost < bestCost) {
      bestCost = cost;
      best = o;
    }
  }
  return best;
}

/** The window of `b` whose blocks are least likely in log text (by the byte model). */
function quietestWindow(b: Buffer, m: number): number {
  return cheapestWindow(b, m, (q) => BYTE_WEIGHT[b[q - 2]!]! * BYTE_WEIGHT[b[q - 1]!]! * BYTE_WEIGHT[b[q]!]!);
}

/**
 * The window of `b` whose blocks are rarest by `counts` (occurrences of each block index in a
 * sample of the text). Between windows the sample rates alike (blocks it does not hold), the byte
 * model decides: its weight is a small fraction of one occurrence.
 */
function rarestWindow(b: Buffer, m: number, counts: Uint32Array): number {
  return cheapestWindow(b, m, (q) => counts[block(b[q - 2]!, b[q - 1]!, b[q]!)]! + 0.01 * BYTE_WEIGHT[b[q - 2]!]! * BYTE_WEIGHT[b[q - 1]!]! * BYTE_WEIGHT[b[q]!]!);
}

/** Literals shorter than a block (one or two bytes): each found with indexOf. */
function naivePass(bytes: Buffer[], ids: number[]): Pass {
  return {
    find(buf, from, to, hits) {
      // One list per literal, merged in turn: linear in the hits for a fixed set of literals.
      const start = hits.count;
      const acc = makeHits();
      const one = makeHits();
      const merged = makeHits();
      for (const li of ids) {
        const lit = bytes[li]!;
        one.count = 0;
        let p = buf.indexOf(lit, from);
        while (p !== -1 && p + lit.length <= to) {
          one.push(p, li);
          p = buf.indexOf(lit, p + 1);
        }
        mergeHits(acc, one, merged);
        acc.count = 0;
        for (let i = 0; i < merged.count; i++) acc.push(merged.pos[i]!, merged.lit[i]!);
      }
      if (start === 0) for (let i = 0; i < acc.count; i++) hits.push(acc.pos[i]!, acc.lit[i]!);
      else for (let i = 0; i < acc.count; i++) insertHit(hits, acc.pos[i]!, acc.lit[i]!);
    },
  };
}
