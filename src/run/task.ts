// One unit of scanning work — an input (or a byte range of a large plain file) — turned into a
// stream of messages: members found, the records cut around hits (parsed by the detector that
// reads them, on the same thread), configuration entries, warnings, totals. The same code runs
// in-process and inside scan workers (worker.ts, pool.ts).

import { createReadStream } from 'node:fs';
import type { ConfigEntry, Role } from '../model.js';
import { expandSource, type InflateBudget, type Member } from '../input/members.js';
import type { InputSource } from '../input/sources.js';
import { isConfigName } from '../input/sources.js';
import { parseConfigText } from '../input/config-file.js';
import { alignRange, type ByteRange } from './ranges.js';
import { lendRingBuffers, readReused } from '../input/read.js';
import type { Prefilter } from '../scan/prefilter.js';
import { scanStream, type RawEvent } from '../scan/scanner.js';
import { scanKernel } from '../scan/kernel.js';
import { heapCheck } from './heap.js';

// The rings that read files for the scan (input/read.ts) take their buffers from the scan
// kernel's memory, where the kernel scans them without a copy.
lendRingBuffers((count, size) => scanKernel()?.lease(count, size) ?? null);

/** What a task reports, in order. `member` numbers count from 0 within the task. */
export type ScanMessage =
  | { type: 'member'; member: number; name: string; kind: 'log' | 'config'; roleHint?: Role; host?: string }
  | { type: 'record'; member: number; record: RawEvent }
  | { type: 'config'; member: number; entries: ConfigEntry[]; error: string | null; bytes: number; lines: number }
  | { type: 'done'; member: number; bytes: number; lines: number; gzip: boolean; error: string | null; stopped: boolean }
  | { type: 'warning'; source: string; message: string };

export interface TaskContext {
  prefilter: Prefilter;
  problemPrefilter: Prefilter;
  everyRecord: boolean;
  signal?: AbortSignal;
  /** Bytes read so far are reported here (in-process scans only). */
  onBytes?: (n: number) => void;
  /** Keeps this thread's heap within this many bytes (heap.ts); none when absent. */
  heapBudget?: number;
  /** Read files on this thread (input/read.ts, ReusedReadOptions.sync): other threads scan too. */
  syncReads?: boolean;
  /** Hand records on as bytes, for a detector on another thread (pipeline.ts). */
  raw?: boolean;
  /** Inflated bytes allowed per compressed member (input/members.ts; default there). */
  maxInflated?: number;
  /** Inflated bytes left to the whole scan, shared by its tasks on this thread. */
  inflateBudget?: InflateBudget;
  /** Waited for between chunks when the detector on another thread has fallen behind (ScanOptions.pace). */
  pace?: () => Promise<void> | null;
}

/** Opens a file input by path (what workers receive). */
export function fileInput(name: string, path: string): InputSource {
  return { name, kind: isConfigName(path) ? 'config' : 'log', path, open: () => createReadStream(path, { highWaterMark: 1 << 20 }), openReused: (sync) => readReused(path, { sync }) };
}

/** Scans one input, or one byte range of it, reporting through `emit`. */
export async function runTask(input: InputSource, range: ByteRange | null, ctx: TaskContext, emit: (m: ScanMessage) => void): Promise<void> {
  const warn = (source: string, message: string): void => emit({ type: 'warning', source, message });
  let member = 0;
  try {
    if (range) {
      emit({ type: 'member', member: 0, name: input.name, kind: 'log' });
      const chunks = alignRange(input.path!, range, ctx.syncReads === true);
      await scanMember({ name: input.name, kind: 'log', chunks, gzip: false, reusedChunks: true }, 0, ctx, emit, warn);
      return;
    }
    const limits = { ...(ctx.maxInflated ? { maxInflated: ctx.maxInflated } : {}), ...(ctx.inflateBudget ? { inflateBudget: ctx.inflateBudget } : {}) };
    for await (const m of expandSource(input, { warn, syncReads: ctx.syncReads === true, ...limits })) {
      const n = member++;
      emit({ type: 'member', member: n, name: m.name, kind: m.kind, ...(m.roleHint ? { roleHint: m.roleHint } : {}), ...(m.host ? { host: m.host } : {}) });
      if (m.kind === 'config') await readConfig(m, n, emit);
      else await scanMember(m, n, ctx, emit, warn);
      if (ctx.signal?.aborted) break;
    }
  } catch (e) {
    warn(input.name, describeReadError(e));
  }
}

async function scanMember(m: Member, n: number, ctx: TaskContext, emit: (msg: ScanMessage) => void, warn: (s: string, msg: string) => void): Promise<void> {
  try {
    const result = await scanStream(
      m.chunks,
      {
        prefilter: ctx.prefilter,
        problems: true,
        problemPrefilter: ctx.problemPrefilter,
        everyRecord: ctx.everyRecord,
        reusedChunks: m.reusedChunks === true,
        raw: ctx.raw === true,
        onWarning: (message) => warn(m.name, message),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        ...(ctx.pace ? { pace: ctx.pace } : {}),
        onBytes: (n) => {
          ctx.onBytes?.(n);
          if (ctx.heapBudget) heapCheck(n, ctx.heapBudget);
        },
      },
      (record) => emit({ type: 'record', member: n, record }),
    );
    emit({ type: 'done', member: n, bytes: result.bytes, lines: result.lines, gzip: m.gzip, error: result.error ? describeReadError(result.error) : null, stopped: result.stopped });
  } catch (e) {
    emit({ type: 'done', member: n, bytes: 0, lines: 0, gzip: m.gzip, error: describeReadError(e), stopped: false });
  }
}

async function readConfig(m: Member, n: number, emit: (msg: ScanMessage) => void): Promise<void> {
  const parts: Buffer[] = [];
  try {
    for await (const b of m.chunks) parts.push(b);
  } catch (e) {
    emit({ type: 'config', member: n, entries: [], error: describeReadError(e), bytes: 0, lines: 0 });
    return;
  }
  const text = Buffer.concat(parts).toString('utf8');
  const lines = text.length === 0 ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  const { entries, error } = parseConfigText(text, m.name);
  emit({ type: 'config', member: n, entries, error: error ? `configuration file could not be read: ${error}` : null, bytes: Buffer.byteLength(text), lines });
}

/** One-line description of a read error. */
export function describeReadError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'Z_DATA_ERROR' || err.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(err.message ?? '')) {
    return `gzip data is damaged or truncated (${err.message}); findings up to that point are kept`;
  }
  if (err.code === 'ESHRUNK') return err.message;
  if (err.code === 'EACCES' || err.code === 'EPERM') return 'cannot read: permission denied';
  if (err.code === 'EISDIR') return 'cannot read: is a directory';
  if (err.code === 'ENOENT') return 'cannot read: no such file or directory';
  if (err.code === 'ELOOP') return 'cannot read: too many levels of symbolic links';
  if (/invalid (?:tar|zip)|end of central directory|unexpected end of data|Unexpected end/i.test(err.message ?? '')) return `archive is damaged or truncated (${err.message}); members read up to that point are kept`;
  return `read failed: ${err.message ?? String(e)}`;
}
