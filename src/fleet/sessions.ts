// The state of one consumer-group member, independent of the Kafka client: records of each key
// (a group of log sources correlated together) flow through one live detection (follow.ts), and
// the member learns per partition which offset it may commit: the next one after every record
// whose findings were handed on, never past a record the scanner still holds back (an unfinished
// stack trace waits for its next line, or for `flushAfterMs` of quiet). Groups are evicted when
// idle or when there are too many, and start afresh when their signals pass a bound.

import type { Finding } from '../model.js';
import { LiveDetection, type LiveSetup } from '../follow.js';
import type { ScanResult } from '../scan/scanner.js';
import { findingJson } from '../report/json.js';
import { groupOf, recordText, sourceOf, type LogRecordIn } from './record.js';

const NEWLINE = Buffer.from('\n');

export interface FleetOptions {
  setup: LiveSetup;
  /** The input topic (names sources of keyless records). */
  topic: string;
  /** An unfinished record of a source is handed on after this long without new data (ms). */
  flushAfterMs: number;
  /** A group without records for this long is reported and dropped (ms). */
  idleMs: number;
  /** At most this many groups are kept; the least recently used is reported and dropped. */
  maxGroups: number;
  /** A group whose signals pass this number is reported and started afresh. */
  maxSignals: number;
  onWarning: (source: string, message: string) => void;
  now?: () => number;
}

/** A finding ready to be written: keyed by its job id (or its group when it names no job). */
export interface FindingRecord {
  key: string;
  value: string;
  partition: number;
  group: string;
  findingId: string;
  isNew: boolean;
}

/** Pushes chunks into a scanner: an async iterable whose consumer asks for each chunk in turn. */
export class ChunkFeed implements AsyncIterable<Buffer> {
  private readonly queue: Buffer[] = [];
  private ended = false;
  private taker: ((r: IteratorResult<Buffer>) => void) | null = null;
  private waiters: (() => void)[] = [];

  push(b: Buffer): void {
    if (this.taker) {
      const t = this.taker;
      this.taker = null;
      t({ value: b, done: false });
    } else this.queue.push(b);
  }

  end(): void {
    this.ended = true;
    if (this.taker) {
      const t = this.taker;
      this.taker = null;
      t({ value: undefined, done: true });
    }
  }

  /** Resolves once the consumer took every chunk and asks for the next one (so it has read them). */
  taken(): Promise<void> {
    if (this.taker && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  [Symbol.asyncIterator](): AsyncIterator<Buffer> {
    return {
      next: () => {
        const b = this.queue.shift();
        if (b) return Promise.resolve({ value: b, done: false });
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        const p = new Promise<IteratorResult<Buffer>>((resolve) => (this.taker = resolve));
        const w = this.waiters;
        this.waiters = [];
        w.forEach((f) => f());
        return p;
      },
      return: () => {
        this.ended = true;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

interface SourceState {
  name: string;
  group: Group;
  index: number;
  feed: ChunkFeed | null;
  scanning: Promise<ScanResult> | null;
  lineOffset: number;
  /** Offset of the first record the scanner may still hold back; null when it holds nothing. */
  pendingFrom: bigint | null;
  lastAt: number;
}

class Group {
  live: LiveDetection;
  readonly sources = new Map<string, SourceState>();
  lastAt = 0;
  readonly abort = new AbortController();

  constructor(
    setup: LiveSetup,
    readonly partition: number,
    readonly key: string,
  ) {
    this.live = new LiveDetection(setup);
  }
}

/** What one member holds: the groups of the partitions it reads and the offsets it may commit. */
export class FleetState {
  private readonly groups = new Map<string, Group>();
  /** Per partition: the offset after the last record read. */
  private readonly readTo = new Map<number, bigint>();
  private out: FindingRecord[] = [];
  private readonly now: () => number;
  /** Counters for the watcher's summary. */
  readonly stats = { records: 0, skipped: 0, findings: 0, evicted: 0, rolledOver: 0 };

  constructor(private readonly opts: FleetOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Number of groups held. */
  get size(): number {
    return this.groups.size;
  }

  /** Reads records of one partition, in offset order, and waits until the scanner has read them. */
  async take(records: LogRecordIn[]): Promise<void> {
    const now = this.now();
    const touched = new Map<SourceState, Buffer[]>();
    for (const r of records) {
      this.stats.records++;
      const { text, warning } = recordText(r.value);
      const source = sourceOf(r, this.opts.topic, text?.origin ?? null);
      if (warning) this.opts.onWarning(`${this.opts.topic}/${r.partition}@${r.offset} (${source})`, warning);
      const offset = BigInt(r.offset);
      this.readTo.set(r.partition, offset + 1n);
      if (!text) {
        this.stats.skipped++;
        continue;
      }
      const group = this.group(r.partition, groupOf(r), now);
      let s = group.sources.get(source);
      if (!s) {
        s = { name: source, group, index: group.live.addSource(source), feed: null, scanning: null, lineOffset: 0, pendingFrom: null, lastAt: now };
        group.sources.set(source, s);
      }
      s.lastAt = now;
      if (text.startsRecord || s.pendingFrom === null) s.pendingFrom = offset;
      let list = touched.get(s);
      if (!list) touched.set(s, (list = []));
      list.push(text.text);
      if (text.newline) list.push(NEWLINE);
    }
    for (const [s, parts] of touched) {
      if (!s.feed) this.startScan(s.group, s);
      s.feed!.push(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
    }
    await Promise.all([...touched.keys()].map((s) => Promise.race([s.feed!.taken(), s.scanning!.then(() => undefined)])));
    await this.bound(now);
  }

  /**
   * Hands on the unfinished records of sources quiet for `flushAfterMs`, drops groups idle for
   * `idleMs`; then reports every group that read something since its last report.
   */
  async settle(final = false): Promise<void> {
    const now = this.now();
    for (const g of [...this.groups.values()]) {
      if (final || now - g.lastAt >= this.opts.idleMs) {
        await this.retire(g);
        this.stats.evicted += final ? 0 : 1;
        continue;
      }
      for (const s of g.sources.values()) if (s.feed && s.pendingFrom !== null && now - s.lastAt >= this.opts.flushAfterMs) await this.flush(s);
    }
    for (const g of this.groups.values()) if (g.live.dirty) this.report(g);
  }

  /** The findings collected since the last call, to be written before the offsets are committed. */
  drain(): FindingRecord[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  /** The offset to commit for a partition (every record before it fully handed on), or null when nothing was read. */
  committable(partition: number): bigint | null {
    let to = this.readTo.get(partition);
    if (to === undefined) return null;
    for (const g of this.groups.values()) {
      if (g.partition !== partition) continue;
      for (const s of g.sources.values()) if (s.pendingFrom !== null && s.pendingFrom < to) to = s.pendingFrom;
    }
    return to;
  }

  /** Partitions read so far. */
  partitions(): number[] {
    return [...this.readTo.keys()];
  }

  /**
   * Forgets everything, unreported (after a rebalance the partitions are read again from their
   * committed offsets, by this member or another).
   */
  async reset(): Promise<void> {
    for (const g of this.groups.values()) {
      g.abort.abort();
      for (const s of g.sources.values()) s.feed?.end();
      await Promise.all([...g.sources.values()].map((s) => s.scanning?.catch(() => undefined)));
    }
    this.groups.clear();
    this.readTo.clear();
    this.out = [];
  }

  private group(partition: number, key: string, now: number): Group {
    const id = `${partition}\u0000${key}`;
    let g = this.groups.get(id);
    if (g) {
      // Most recently used last: Map keeps insertion order.
      this.groups.delete(id);
      this.groups.set(id, g);
    } else {
      g = new Group(this.opts.setup, partition, key);
      this.groups.set(id, g);
    }
    g.lastAt = now;
    return g;
  }

  private startScan(g: Group, s: SourceState): void {
    const name = s.name;
    const feed = new ChunkFeed();
    s.feed = feed;
    s.scanning = g.live.scan(s.index, feed, g.abort.signal, (m) => this.opts.onWarning(name, m), s.lineOffset);
  }

  /** Ends a source's scan so that the record it holds back is handed on. */
  private async flush(s: SourceState): Promise<void> {
    if (!s.feed) return;
    s.feed.end();
    const r = await s.scanning!;
    s.lineOffset += r.lines;
    s.feed = null;
    s.scanning = null;
    s.pendingFrom = null;
  }

  /** Hands on everything a group holds, reports it and drops it. */
  private async retire(g: Group): Promise<void> {
    for (const s of g.sources.values()) await this.flush(s);
    if (g.live.dirty) this.report(g);
    this.groups.delete(`${g.partition}\u0000${g.key}`);
  }

  /** Keeps the number of groups and the signals of each within their bounds. */
  private async bound(now: number): Promise<void> {
    while (this.groups.size > this.opts.maxGroups) {
      const oldest = this.groups.values().next().value as Group;
      await this.retire(oldest);
      this.stats.evicted++;
    }
    for (const g of [...this.groups.values()]) {
      if (g.live.detector.signals.length <= this.opts.maxSignals) continue;
      for (const s of g.sources.values()) await this.flush(s);
      this.report(g);
      // A fresh detection with the same sources, line numbers continuing.
      g.live = new LiveDetection(this.opts.setup);
      for (const s of g.sources.values()) s.index = g.live.addSource(s.name);
      g.lastAt = now;
      this.stats.rolledOver++;
    }
  }

  private report(g: Group): void {
    const sources = [...g.sources.keys()];
    g.live.report((f: Finding, isNew: boolean) => {
      this.stats.findings++;
      this.out.push({
        key: f.jobs[0] ?? (g.key || sources[0] || ''),
        partition: g.partition,
        group: g.key,
        findingId: f.id,
        isNew,
        value: JSON.stringify({ type: isNew ? 'finding' : 'update', at: new Date(this.now()).toISOString(), group: g.key, partition: g.partition, sources, finding: findingJson(f) }),
      });
    });
  }
}
