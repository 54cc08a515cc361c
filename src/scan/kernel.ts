// The scan kernel (kernel.wat, assembled into dist/scan/kernel.wasm): the prefilter search and
// the walk over the lines of a buffer, run as WebAssembly. This module loads it once per thread,
// copies a prefilter's tables into its memory, and lends read buffers that live in that memory,
// so that a chunk read into one is scanned where it lies; other buffers are copied in first.
// What the records mean is scanner.ts's business; it keeps a JavaScript path for whatever the
// kernel declines (no built kernel, tables or buffers too large, more results than fit).
// The kernel runs each pass of a search (long literals, short literals) in one of two ways that
// find the same hits, Wu-Manber (scalar, skips ahead) or Teddy (SIMD, looks at every position):
// which is cheaper depends on the literals and the text, so the first large chunks of each
// pattern set are searched every way, timed, and the cheapest is kept. Each way's cost is the
// least it took per byte over several runs, and each way runs once untimed first: a single
// timing can be inflated many times over (the first call compiling the code, the thread
// descheduled on a busy machine), and choosing Teddy for hundreds of literals on such a figure
// made a whole scan several times slower. Before that, the first large chunk a pattern set meets
// retunes its search: each literal is entered by the window rarest in that chunk rather than by
// a model of log text (prefilter.ts's tunedTables), which finds the same hits with far fewer
// comparisons.

import { existsSync, readFileSync } from 'node:fs';
import { tunedTables, type Prefilter, type SearchTables } from './prefilter.js';

/** Where the assembled kernel may be, seen from this module, the start-up bundle and the sources. */
const LOCATIONS = ['./kernel.wasm', '../scan/kernel.wasm', '../../dist/scan/kernel.wasm'];

/** Bytes left after every lent buffer: the kernel reads a few bytes past the end of its range. */
const PAD = 64;

interface Exports {
  memory: WebAssembly.Memory;
  setPass(k: number, m: number, reach: number, passes: number): void;
  find(from: number, to: number, teddy: number): number;
  lines(from: number, limit: number, bufEnd: number, problems: number, col: number, nHits: number): number;
  newlines: WebAssembly.Global;
  [layout: string]: unknown;
}

/** What `lines` found in a buffer: `count` records of four numbers each in `records`. */
export interface KernelScan {
  /** Per record: position of the hit (or of the problem line), start of its line, newlines before that line, literal index (-1: a problem line). Positions are buffer offsets. */
  records: Int32Array;
  count: number;
  /** Newlines in the scanned range. */
  newlines: number;
}

/** A prefilter's tables as the kernel's memory holds them. */
interface TableImage {
  passes: { m: number; reach: number; shift: Uint8Array; head: Uint16Array; lists: Uint16Array }[];
  meta: Uint32Array;
  bytes: Uint8Array;
  /** Teddy's tables (kernel.wat's TEDDY region), null when no pass suits it. */
  teddy: { masks: Uint8Array; head: Uint16Array; window: Uint32Array; offset: Uint16Array; lists: Uint16Array } | null;
  /** The passes Teddy can run (bit k: pass k). */
  teddyPasses: number;
  /** The passes run by Teddy (bit k: pass k), once the calibration chose; before, the ways still in the running and the least time per byte each took (ms, Infinity before its first run). */
  choice: number | null;
  ways: number[] | null;
  cost: number[];
  chunks: number;
}

/** How the kernel runs a search's passes: 'wu-manber' or 'teddy' forces one way for every pass that has it, 'auto' chooses by measured cost. */
export type SearchEngine = 'auto' | PassWay;

/** How one pass of a search runs. */
export type PassWay = 'wu-manber' | 'teddy';

/** The most of a chunk whose blocks are counted to retune a search. */
const TUNE_BYTES = 1 << 20;
/** Chunks at least this large retune a search and are timed for the choice of its ways; this many of them. */
const CALIBRATE_BYTES = 256 << 10;
const CALIBRATE_CHUNKS = 4;
/** Before that, every way runs once untimed on WARM_BYTES, then is timed SAMPLE_ROUNDS times in turn on SAMPLE_BYTES of the first chunk, and a way slower than SAMPLE_SLACK times the fastest (by their least times) drops out. */
const WARM_BYTES = 4 << 10;
const SAMPLE_BYTES = 64 << 10;
const SAMPLE_ROUNDS = 3;
const SAMPLE_SLACK = 2;

/** Buffers lent from the kernel's memory; give them back with release() once no read is in flight. */
export interface Lease {
  buffers: Buffer[];
  release(): void;
}

export class ScanKernel {
  private readonly ex: Exports;
  private readonly mem: Uint8Array;
  private readonly i32: Int32Array;
  private readonly at: (name: string) => number;
  private loaded: SearchTables | null = null;
  private readonly images = new WeakMap<SearchTables, TableImage | null>();
  /** Each pattern set's tables retuned to the text (tunedTables), once a large chunk was met. */
  private readonly tuned = new WeakMap<SearchTables, SearchTables>();
  /** Pool slots (1 MiB + PAD each, from POOL to the end of memory): true when lent. */
  private readonly slots: boolean[];
  private readonly slotBytes = (1 << 20) + PAD;
  /** How to run the searches: 'auto' chooses by measured cost per pattern set; the others force one way (tests, benchmarks). */
  searchEngine: SearchEngine = 'auto';

  constructor(module: WebAssembly.Module) {
    this.ex = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
    this.mem = new Uint8Array(this.ex.memory.buffer);
    this.i32 = new Int32Array(this.ex.memory.buffer);
    this.at = (name) => (this.ex[name] as WebAssembly.Global).value as number;
    this.slots = new Array<boolean>(Math.floor((this.mem.length - this.at('POOL')) / this.slotBytes)).fill(false);
  }

  /**
   * Runs the prefilter and the line walk over `buf[0, limit)`: the records of every hit and, with
   * `problems`, of every problem line (level at byte column `col` when col >= 0, first frames of
   * stack traces). Null when the kernel cannot take this prefilter or buffer, or the results
   * overflowed: the caller scans in JavaScript instead. The records are valid until the next call.
   */
  scan(prefilter: Prefilter, buf: Buffer, limit: number, problems: boolean, col: number): KernelScan | null {
    const tables = this.tablesFor(prefilter, buf, limit);
    if (!tables || !this.load(tables)) return null;
    const base = this.place(buf);
    if (base < 0) return null;
    const nHits = tables.passes.length === 0 ? 0 : this.search(this.images.get(tables)!, base, base + limit);
    if (nHits < 0) return null;
    const count = this.ex.lines(base, base + limit, base + buf.length, problems ? 1 : 0, col, nHits);
    if (count < 0) return null;
    const first = this.at('RECS') >> 2;
    const records = this.i32.subarray(first, first + 4 * count);
    for (let i = 0; i < records.length; i += 4) {
      records[i] -= base;
      records[i + 1] -= base;
    }
    return { records, count, newlines: this.ex.newlines.value as number };
  }

  /**
   * The search alone over `buf[0, limit)`, run the given way: (position, literal index) pairs in
   * position then literal order, or null when the kernel cannot take the prefilter or the buffer
   * or the hits overflowed. 'auto' searches as a scan does (with the tables retuned to the text
   * once a large chunk was met, the way chosen by timing); a forced way, with the prefilter's own
   * tables. For tests and benchmarks.
   */
  find(prefilter: Prefilter, buf: Buffer, limit: number, engine: SearchEngine | readonly PassWay[]): Int32Array | null {
    const tables = engine === 'auto' ? this.tablesFor(prefilter, buf, limit) : prefilter.tables();
    if (!tables || !this.load(tables)) return null;
    const base = this.place(buf);
    if (base < 0) return null;
    if (tables.passes.length === 0) return new Int32Array(0);
    const image = this.images.get(tables)!;
    const saved = this.searchEngine;
    let n: number;
    if (typeof engine === 'string') {
      this.searchEngine = engine;
      try {
        n = this.search(image, base, base + limit);
      } finally {
        this.searchEngine = saved;
      }
    } else {
      const mask = engine.reduce((m, way, k) => (way === 'teddy' ? m | (1 << k) : m), 0);
      n = this.ex.find(base, base + limit, mask & image.teddyPasses);
    }
    if (n < 0) return null;
    const first = this.at('HITS') >> 2;
    const hits = this.i32.slice(first, first + 2 * n);
    for (let i = 0; i < hits.length; i += 2) hits[i] -= base;
    return hits;
  }

  /** The tables to search `buf[0, limit)` with: the prefilter's, retuned to the text on the first chunk of at least CALIBRATE_BYTES. */
  private tablesFor(prefilter: Prefilter, buf: Buffer, limit: number): SearchTables | null {
    const tables = prefilter.tables();
    if (!tables || tables.passes.length === 0) return tables;
    let tuned = this.tuned.get(tables);
    if (!tuned && limit >= CALIBRATE_BYTES) {
      tuned = tunedTables(tables, buf.subarray(0, Math.min(limit, TUNE_BYTES)));
      this.tuned.set(tables, tuned);
    }
    return tuned ?? tables;
  }

  /** Where `buf` lies in the kernel's memory: in place when it is a lent buffer, else copied to SCRATCH; -1 when too large. */
  private place(buf: Buffer): number {
    if (buf.buffer === this.ex.memory.buffer) return buf.byteOffset;
    if (buf.length > this.at('SCRATCH_SIZE')) return -1;
    this.mem.set(buf, this.at('SCRATCH'));
    return this.at('SCRATCH');
  }

  /** How each pass of a prefilter's search runs, once chosen: 'teddy' or 'wu-manber' per pass; null before the choice or when the kernel cannot take the prefilter. */
  searchOf(prefilter: Prefilter): PassWay[] | null {
    const own = prefilter.tables();
    const tables = own ? (this.tuned.get(own) ?? own) : null;
    const image = tables ? this.images.get(tables) : undefined;
    if (!image || image.choice === null) return null;
    return image.passes.map((_, k) => (image.choice! & (1 << k) ? 'teddy' : 'wu-manber'));
  }

  /** Runs the search on [from, to) of the memory into HITS: the forced way, the chosen one, or, while choosing, every way, timed. */
  private search(image: TableImage, from: number, to: number): number {
    const forced = this.searchEngine;
    if (forced !== 'auto' || image.teddyPasses === 0) return this.ex.find(from, to, forced === 'teddy' ? image.teddyPasses : 0);
    if (image.choice !== null) return this.ex.find(from, to, image.choice);
    if (to - from < CALIBRATE_BYTES) return this.ex.find(from, to, 0);
    // The ways: every subset of the passes Teddy can run. A sample of the first chunk weeds out
    // those far slower than the fastest (Teddy over hundreds of literals), so that the chunks
    // searched every way cost little more than one search each.
    if (!image.ways) {
      const all = image.cost.map((_, c) => c).filter((c) => (c & ~image.teddyPasses) === 0);
      for (const c of all) this.ex.find(from, from + WARM_BYTES, c);
      for (let r = 0; r < SAMPLE_ROUNDS; r++) for (const c of all) this.timed(image, c, from, from + SAMPLE_BYTES);
      const best = Math.min(...all.map((c) => image.cost[c]!));
      image.ways = all.filter((c) => image.cost[c]! <= best * SAMPLE_SLACK);
      if (image.ways.length === 1) {
        image.choice = image.ways[0]!;
        return this.ex.find(from, to, image.choice);
      }
    }
    // Each way on the whole chunk, in turns first; their hits are the same, the last run's stay.
    const ways = image.ways;
    let n = 0;
    for (let i = 0; i < ways.length; i++) {
      n = this.timed(image, ways[(i + image.chunks) % ways.length]!, from, to);
      if (n < 0) return n;
    }
    if (++image.chunks >= CALIBRATE_CHUNKS) image.choice = ways.reduce((a, b) => (image.cost[b]! < image.cost[a]! ? b : a));
    return n;
  }

  /** Runs way `c` on [from, to), keeping its least time per byte in image.cost; returns find's answer. */
  private timed(image: TableImage, c: number, from: number, to: number): number {
    const t0 = performance.now();
    const n = this.ex.find(from, to, c);
    image.cost[c] = Math.min(image.cost[c]!, (performance.now() - t0) / (to - from));
    return n;
  }

  /** Lends `count` buffers of `size` bytes from the kernel's memory, or null when none are free. */
  lease(count: number, size: number): Lease | null {
    if (size > this.slotBytes - PAD) return null;
    const free: number[] = [];
    for (let i = 0; i < this.slots.length && free.length < count; i++) if (!this.slots[i]) free.push(i);
    if (free.length < count) return null;
    for (const i of free) this.slots[i] = true;
    const pool = this.at('POOL');
    return {
      buffers: free.map((i) => Buffer.from(this.ex.memory.buffer, pool + i * this.slotBytes, size)),
      release: () => {
        for (const i of free) this.slots[i] = false;
      },
    };
  }

  /** Puts the tables into the kernel's memory unless they are there; false when they do not fit. */
  private load(tables: SearchTables): boolean {
    if (this.loaded === tables) return true;
    let image = this.images.get(tables);
    if (image === undefined) {
      image = this.image(tables);
      this.images.set(tables, image);
    }
    if (!image) return false;
    image.passes.forEach((p, k) => {
      const t = this.at(k === 0 ? 'PASS0' : 'PASS1');
      this.mem.set(p.shift, t);
      this.mem.set(new Uint8Array(p.head.buffer), t + 65536);
      this.mem.set(new Uint8Array(p.lists.buffer, 0, p.lists.byteLength), t + 196608);
      this.ex.setPass(k, p.m, p.reach, image!.passes.length);
    });
    this.mem.set(new Uint8Array(image.meta.buffer), this.at('META'));
    this.mem.set(image.bytes, this.at('BYTES'));
    if (image.teddy) {
      const t = image.teddy;
      this.mem.set(t.masks, this.at('TEDDY'));
      this.mem.set(new Uint8Array(t.head.buffer), this.at('TEDDY_HEAD'));
      this.mem.set(new Uint8Array(t.window.buffer), this.at('TEDDY_WIN'));
      this.mem.set(new Uint8Array(t.offset.buffer), this.at('TEDDY_OFF'));
      this.mem.set(new Uint8Array(t.lists.buffer), this.at('TEDDY_LISTS'));
    }
    this.loaded = tables;
    return true;
  }

  /** Lays the tables out as the kernel reads them (see kernel.wat); null when they do not fit. */
  private image(tables: SearchTables): TableImage | null {
    const { bytes, passes } = tables;
    if (passes.length > 2 || bytes.length * 12 > this.at('META_SIZE')) return null;
    const total = bytes.reduce((a, b) => a + b.length, 0);
    if (total > this.at('BYTES_SIZE')) return null;
    const meta = new Uint32Array(bytes.length * 3);
    const flat = new Uint8Array(total);
    let off = 0;
    bytes.forEach((b, li) => {
      flat.set(b, off);
      meta[li * 3] = this.at('BYTES') + off;
      meta[li * 3 + 1] = b.length;
      off += b.length;
    });
    const out: TableImage['passes'] = [];
    for (const p of passes) {
      if (p.m > 255) return null;
      for (const li of p.ids) meta[li * 3 + 2] = p.m - 1 + p.offset[li]!;
      const head = new Uint16Array(65536);
      const lists: number[] = [0];
      p.candidates.forEach((c, h) => {
        if (!c) return;
        head[h] = lists.length;
        lists.push(c.length, ...c);
      });
      // 64 KiB for the lists of a pass (u16 entries, indexes too).
      if (lists.length > 32768) return null;
      out.push({ m: p.m, reach: p.reach, shift: p.shift, head, lists: Uint16Array.from(lists) });
    }
    const teddy = this.teddyImage(tables);
    return { passes: out, meta, bytes: flat, teddy: teddy?.image ?? null, teddyPasses: teddy?.passes ?? 0, choice: null, ways: null, cost: [Infinity, Infinity, Infinity, Infinity], chunks: 0 };
  }

  /** Teddy's tables of the passes that have them, laid out as kernel.wat's TEDDY region holds them; null when none has or they do not fit. */
  private teddyImage(tables: SearchTables): { image: NonNullable<TableImage['teddy']>; passes: number } | null {
    const n = tables.bytes.length;
    const image = { masks: new Uint8Array(192), head: new Uint16Array(16), window: new Uint32Array(n), offset: new Uint16Array(n), lists: new Uint16Array(0) };
    const lists: number[] = [];
    let passes = 0;
    tables.passes.forEach((p, k) => {
      const t = p.teddy;
      if (!t || p.ids.some((li) => t.offset[li]! > 0xffff)) return;
      passes |= 1 << k;
      image.masks.set(t.masks, 96 * k);
      t.buckets.forEach((ids, b) => {
        image.head[8 * k + b] = lists.length;
        lists.push(ids.length, ...ids);
      });
      for (const li of p.ids) {
        image.window[li] = t.window[li]!;
        image.offset[li] = t.offset[li]!;
      }
    });
    if (passes === 0 || lists.length * 2 > this.at('TEDDY_LISTS_SIZE')) return null;
    image.lists = Uint16Array.from(lists);
    return { image, passes };
  }
}

let kernel: ScanKernel | null | undefined;

/** This thread's scan kernel, loaded on first use; null when it was not built (running from the sources without `npm run build`). */
export function scanKernel(): ScanKernel | null {
  if (kernel !== undefined) return kernel;
  kernel = null;
  for (const location of LOCATIONS) {
    const url = new URL(location, import.meta.url);
    if (!existsSync(url)) continue;
    kernel = new ScanKernel(new WebAssembly.Module(readFileSync(url)));
    break;
  }
  return kernel;
}
