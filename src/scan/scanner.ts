// The hot path: reads a byte stream in large chunks, runs the multi-literal prefilter over the
// raw bytes and cuts out only the records around a hit (header + continuation lines), which it
// hands on as raw events with their 1-based line numbers. Everything else is counted, not decoded.
// Parsing a record's text is parse/'s job; deciding what a record means is detect/'s.

import { LineKind } from '../parse/line.js';
import type { Prefilter } from './prefilter.js';
import { scanKernel, type ScanKernel } from './kernel.js';
import { RecordForm, recordLines, type RawEvent } from './record.js';
export type { RawEvent } from './record.js';
import { UNDECIDED, countNewlines, detectLevelColumn, findBoundary, lineKindAt, lineStart, lineText, nextLine } from './lines.js';

export interface ScanOptions {
  prefilter: Prefilter;
  /** Emit every record, not only those around a prefilter hit (patterns without literals). */
  everyRecord?: boolean;
  /** Minimum bytes gathered before a chunk is scanned. */
  chunkBytes?: number;
  /** Longest record (in lines) kept around a hit; the rest of a longer record is not read. */
  maxRecordLines?: number;
  /** Carried bytes beyond which an unfinished line is scanned in pieces instead of being kept whole. */
  maxCarryBytes?: number;
  /** Called for a condition worth a warning (e.g. an over-long line). */
  onWarning?: (message: string) => void;
  /**
   * Also hand on records that look like problems: ERROR/WARN/FATAL lines and stack traces.
   * The level is checked at a fixed column when the source's layout has one; otherwise
   * `problemPrefilter` (the prefilter plus level literals) is used instead of `prefilter`.
   */
  problems?: boolean;
  problemPrefilter?: Prefilter;
  /** Stops the scan (e.g. on Ctrl-C): what was read so far is still scanned. */
  signal?: AbortSignal;
  /** Called with the number of bytes of each chunk read (for progress reports). */
  onBytes?: (n: number) => void;
  /**
   * Called after each chunk is scanned; a promise returned is waited for before the next read
   * (a consumer on another thread that has fallen behind: pipeline.ts).
   */
  pace?: () => Promise<void> | null;
  /**
   * The chunks come from reused buffers (input/read.ts): a chunk is scanned in place when it is
   * large enough, and whatever is kept past it (a short chunk, the unfinished record) is copied.
   */
  reusedChunks?: boolean;
  /**
   * Search and walk the lines with the WebAssembly scan kernel when it is built (default true);
   * false keeps to the JavaScript path, which tests use as the reference.
   */
  kernel?: boolean;
  /**
   * Hand records on as bytes (RawEvent.bytes, valid only while onRecord runs) instead of decoded
   * lines: for a consumer on another thread, which decodes them with recordLines().
   */
  raw?: boolean;
}

export interface ScanResult {
  /** The error that ended the stream early, or null. */
  error: unknown;
  bytes: number;
  lines: number;
  records: number;
  stopped: boolean;
}

const WALK_LIMIT = 256;
/** Lines longer than this are read only in a window around each hit. */
const LONG_LINE = 64 * 1024;

/** Scans a stream of Buffers and calls `onRecord` for each record that holds a prefilter hit. */
export async function scanStream(
  chunks: AsyncIterable<Buffer>,
  opts: ScanOptions,
  onRecord: (ev: RawEvent) => void,
): Promise<ScanResult> {
  const chunkBytes = opts.chunkBytes ?? 1 << 20;
  const maxCarry = opts.maxCarryBytes ?? 8 << 20;
  const state = new ScanState(opts, onRecord);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let stopped = false;
  const it = chunks[Symbol.asyncIterator]();
  const signal = opts.signal;
  // One listener per read, removed when the read settles (a shared never-settling promise raced
  // against every read would keep every chunk alive). The read is started even when the signal
  // has already fired: a source that was started can be closed (it.return) and closes its file.
  const nextOrAbort = (): Promise<IteratorResult<Buffer> | 'aborted'> =>
    new Promise((resolve, reject) => {
      const read = it.next();
      if (signal!.aborted) {
        read.catch(() => undefined);
        return resolve('aborted');
      }
      const onAbort = (): void => resolve('aborted');
      signal!.addEventListener('abort', onAbort, { once: true });
      read.then(
        (v) => {
          signal!.removeEventListener('abort', onAbort);
          resolve(v);
        },
        (e) => {
          signal!.removeEventListener('abort', onAbort);
          reject(e);
        },
      );
    });
  let error: unknown = null;
  for (;;) {
    let next: IteratorResult<Buffer> | 'aborted';
    try {
      next = signal ? await nextOrAbort() : await it.next();
    } catch (e) {
      // A damaged stream (truncated gzip, broken archive): keep what was read before it.
      error = e;
      break;
    }
    if (next === 'aborted') {
      stopped = true;
      void it.return?.();
      break;
    }
    if (next.done) break;
    const chunk = next.value;
    opts.onBytes?.(chunk.length);
    if (pending.length === 0 && chunk.length >= chunkBytes) {
      state.feed([chunk], false, maxCarry);
    } else {
      pending.push(opts.reusedChunks ? Buffer.from(chunk) : chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= chunkBytes) {
        state.feed(pending, false, maxCarry);
        pending = [];
        pendingBytes = 0;
      }
    }
    const wait = opts.pace?.();
    if (wait) await wait;
  }
  state.feed(pending, true, maxCarry);
  return { error, bytes: state.totalBytes, lines: state.lineNo - (state.endsWithNewline || state.totalBytes === 0 ? 1 : 0), records: state.records, stopped };
}

class ScanState {
  carry: Buffer = Buffer.alloc(0);
  /** Absolute offset of carry[0]. */
  carryOffset = 0;
  /** Line number of the line starting at carry[0]. */
  lineNo = 1;
  totalBytes = 0;
  records = 0;
  endsWithNewline = false;
  /** Absolute offset below which hits were already handled (giant-line mode). */
  doneUpTo = 0;
  warnedLongLine = false;
  /** Column of the level in this source's header lines: a number, -1 for none, undefined before the first chunk. */
  levelColumn: number | undefined;
  private readonly kernel: ScanKernel | null;

  constructor(
    private readonly opts: ScanOptions,
    private readonly onRecord: (ev: RawEvent) => void,
  ) {
    this.kernel = opts.kernel === false ? null : scanKernel();
  }

  feed(parts: Buffer[], final: boolean, maxCarry: number): void {
    for (const p of parts) this.totalBytes += p.length;
    if (parts.length > 0) this.endsWithNewline = parts[parts.length - 1]![parts[parts.length - 1]!.length - 1] === 10;
    let buf: Buffer;
    const joined = parts.length === 1 ? parts[0]! : parts.length === 0 ? Buffer.alloc(0) : Buffer.concat(parts);
    if (this.carry.length === 0) {
      buf = joined;
    } else {
      // Finish the carried record with the head of the new chunk in a small buffer, so the chunk
      // itself is scanned in place instead of being copied behind the carry.
      const start = final ? -1 : findBoundary(joined, 0, false);
      if (start < 0) {
        buf = Buffer.concat([this.carry, joined]);
      } else {
        const head = Buffer.concat([this.carry, joined.subarray(0, start)]);
        this.process(head, head.length);
        this.carryOffset += head.length;
        this.carry = Buffer.alloc(0);
        buf = joined.subarray(start);
      }
    }
    if (buf.length === 0) return;
    let limit: number;
    if (final) {
      limit = buf.length;
    } else {
      const lastNl = buf.lastIndexOf(10);
      if (lastNl < 0) {
        if (buf.length > maxCarry) this.scanGiantLine(buf);
        else this.carry = this.opts.reusedChunks ? Buffer.from(buf) : buf;
        return;
      }
      limit = this.safeEnd(buf, lastNl);
      if (limit === 0 && buf.length > maxCarry) limit = lastNl + 1;
    }
    this.process(buf, limit);
    this.carryOffset += limit;
    this.carry = limit >= buf.length ? Buffer.alloc(0) : buf.subarray(limit);
    // Keep the unfinished record in its own buffer: a small one so as not to pin the whole chunk,
    // any when the chunk's buffer will be reused.
    if (this.carry.length > 0 && (this.carry.length < 64 << 10 || this.opts.reusedChunks)) this.carry = Buffer.from(this.carry);
  }

  /** Start of the last (possibly unfinished) record: everything before it can be processed now. */
  private safeEnd(buf: Buffer, lastNl: number): number {
    let ls = lineStart(buf, lastNl);
    for (let steps = 0; steps < WALK_LIMIT; steps++) {
      const kind = lineKindAt(buf, ls);
      if (kind === LineKind.Header || kind === LineKind.Blank) return ls;
      if (ls === 0) return 0;
      ls = lineStart(buf, ls - 1);
    }
    return lastNl + 1;
  }

  private process(buf: Buffer, limit: number): void {
    let doneEnd = 0;
    let last: RawEvent | null = null;
    let lits: readonly string[] = this.opts.prefilter.literals;
    const withLiteral = (li: number): string[] | null => (this.opts.everyRecord ? null : li >= 0 ? [lits[li]!] : []);

    /** Hands on the record around a hit at `hitPos`, on the line starting at `hitLine` (line `hitLineNo`). */
    const emitAt = (hitPos: number, hitLine: number, hitLineNo: number, li: number): void => {
      if (hitPos < doneEnd) {
        if (li >= 0 && last?.literals && !last.literals.includes(lits[li]!)) last.literals.push(lits[li]!);
        return;
      }
      const hitLineEnd = nextLine(buf, hitLine);
      if (hitLineEnd - hitLine > LONG_LINE && !this.opts.everyRecord) {
        // An over-long line: keep a window around the hit instead of the whole line.
        const from = Math.max(hitLine, hitPos - LONG_LINE / 8);
        const to = Math.min(hitLineEnd, hitPos + LONG_LINE / 8);
        this.records++;
        if (last) this.onRecord(last);
        last = this.record(hitLineNo, buf, from, to, RecordForm.Window, this.carryOffset + from, withLiteral(li));
        doneEnd = to;
        return;
      }
      let start = this.recordStart(buf, hitLine, doneEnd);
      if (start < doneEnd) start = doneEnd;
      const end = this.recordEnd(buf, hitLine, limit);
      this.records++;
      // The previous record is complete now (no later hit can fall inside it): hand it on.
      if (last) this.onRecord(last);
      last = this.record(hitLineNo - countNewlines(buf, start, hitLine), buf, start, end, RecordForm.Lines, this.carryOffset + start, withLiteral(li));
      doneEnd = end;
    };

    if (this.opts.everyRecord) {
      // Every record in turn; line numbers follow a cursor.
      let pos = 0;
      let lineNo = this.lineNo;
      while (pos < limit) {
        emitAt(pos, pos, lineNo, -1);
        const next = Math.max(doneEnd, nextLine(buf, pos));
        const to = next > pos ? Math.min(next, limit) : limit;
        lineNo += countNewlines(buf, pos, to);
        pos = to;
      }
      this.lineNo = lineNo;
      if (last) this.onRecord(last);
      return;
    }

    const absBase = this.carryOffset;
    const doneUpTo = this.doneUpTo;
    if (this.opts.problems && this.levelColumn === undefined) {
      const detected = detectLevelColumn(buf, limit);
      // Too few header lines to tell (a small first chunk, as when following a file): decide later.
      if (detected !== UNDECIDED) this.levelColumn = detected;
    }
    const col = this.opts.problems ? (this.levelColumn ?? -1) : -1;
    const prefilter = this.opts.problems && col < 0 && this.opts.problemPrefilter ? this.opts.problemPrefilter : this.opts.prefilter;
    lits = prefilter.literals;
    const problems = this.opts.problems === true;
    const scan = this.kernel?.scan(prefilter, buf, limit, problems, col) ?? null;
    if (scan) {
      // The kernel's records, in the order the loop below would hand them on.
      const r = scan.records;
      for (let i = 0; i < r.length; i += 4) {
        const pos = r[i]!;
        if (absBase + pos < doneUpTo) continue;
        emitAt(pos, r[i + 1]!, this.lineNo + r[i + 2]!, r[i + 3]!);
      }
      this.lineNo += scan.newlines;
      if (last) this.onRecord(last);
      return;
    }
    const found = prefilter.find(buf, 0, limit);
    const count = found.count;
    const hitPos = found.pos;
    const hitLit = found.lit;
    let k = 0;
    while (k < count && absBase + hitPos[k]! < doneUpTo) k++;
    // One pass over the lines: counts them, finds problem lines, and places each hit on its line.
    let p = 0;
    let lineNo = this.lineNo;
    let prevFrame = false;
    while (p < limit) {
      const nl = buf.indexOf(10, p);
      const hasNl = nl >= 0 && nl < limit;
      const end = hasNl ? nl : limit;
      if (problems) {
        const c0 = buf[p];
        let frame = false;
        let problem = false;
        if (c0 === 9 || c0 === 32) {
          let q = p + 1;
          while (q < end && q < p + 12 && (buf[q] === 32 || buf[q] === 9)) q++;
          frame = buf[q] === 97 && buf[q + 1] === 116 && buf[q + 2] === 32; // "at "
          problem = frame && !prevFrame;
        } else if (col >= 0 && end - p > col + 2) {
          const a = buf[p + col];
          const b = buf[p + col + 1];
          problem = (a === 69 && b === 82) || (a === 87 && b === 65) || (a === 70 && b === 65); // ER, WA, FA
        }
        prevFrame = frame;
        if (problem && absBase + p >= doneUpTo) emitAt(p, p, lineNo, -1);
      }
      while (k < count && hitPos[k]! <= end) {
        emitAt(hitPos[k]!, p, lineNo, hitLit[k]!);
        k++;
      }
      if (!hasNl) break;
      lineNo++;
      p = nl + 1;
    }
    this.lineNo = lineNo;
    if (last) this.onRecord(last);
  }

  /** The record of `buf[from, to)`: its lines, or with the raw option its bytes. */
  private record(firstLine: number, buf: Buffer, from: number, to: number, form: RecordForm, offset: number, literals: string[] | null): RawEvent {
    if (this.opts.raw) return { firstLine, lines: [], bytes: buf.subarray(from, to), form, offset, literals };
    return { firstLine, lines: recordLines(buf, from, to, form), offset, literals };
  }

  /** A line longer than the carry limit: scan it in pieces, cutting a window around each hit. */
  private scanGiantLine(buf: Buffer): void {
    if (!this.warnedLongLine) {
      this.warnedLongLine = true;
      this.opts.onWarning?.(
        `line ${this.lineNo} is longer than ${Math.round(buf.length / (1 << 20))} MiB without a newline; only the text around known failure strings was read`,
      );
    }
    const base = this.carryOffset;
    this.opts.prefilter.scan(buf, 0, buf.length, (pos) => {
      if (base + pos < this.doneUpTo) return;
      const from = Math.max(0, pos - 2048);
      const to = Math.min(buf.length, pos + 4096);
      this.records++;
      this.onRecord(this.record(this.lineNo, buf, from, to, RecordForm.Piece, base + from, null));
      this.doneUpTo = base + to;
    });
    const keep = 4096;
    this.carryOffset += buf.length - keep;
    this.doneUpTo = Math.max(this.doneUpTo, this.carryOffset);
    this.carry = Buffer.from(buf.subarray(buf.length - keep));
  }

  private recordStart(buf: Buffer, hitLine: number, floor: number): number {
    const kind = lineKindAt(buf, hitLine);
    if (kind === LineKind.Header || kind === LineKind.Blank) return hitLine;
    let start = hitLine;
    for (let steps = 0; steps < WALK_LIMIT && start > floor; steps++) {
      const prev = lineStart(buf, start - 1);
      const k = lineKindAt(buf, prev);
      if (k === LineKind.Blank) break;
      start = prev;
      if (k === LineKind.Header) break;
    }
    return start;
  }

  private recordEnd(buf: Buffer, hitLine: number, limit: number): number {
    const maxLines = this.opts.maxRecordLines ?? 2000;
    let end = nextLine(buf, hitLine);
    for (let n = 0; n < maxLines && end < limit; n++) {
      const k = lineKindAt(buf, end);
      if (k === LineKind.Header || k === LineKind.Blank) break;
      end = nextLine(buf, end);
    }
    return Math.min(end, limit);
  }
}
