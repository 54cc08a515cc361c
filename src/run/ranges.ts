// Byte ranges of one large plain file for parallel scanning. Each range starts and ends at the
// same record boundary as its neighbour (the first line at or after the nominal offset that
// begins a record: a header or a blank line), so every record is read by exactly one range.

import { readReused } from '../input/read.js';
import { findBoundary } from '../scan/lines.js';

/** A byte range of a plain file, scanned separately and joined by line offsets afterwards. */
export interface ByteRange {
  start: number;
  end: number;
  /** Position of this range in its file (0 = first). */
  index: number;
}

const CHUNK = 1 << 20;
/** How far past a nominal offset a boundary is looked for before settling for a line start. */
const MAX_SEARCH = 8 << 20;

/** Splits a file of `size` bytes into `n` nominal ranges. */
export function splitRanges(size: number, n: number): ByteRange[] {
  const out: ByteRange[] = [];
  for (let i = 0; i < n; i++) out.push({ start: Math.floor((size * i) / n), end: Math.floor((size * (i + 1)) / n), index: i });
  return out;
}

/** Yields the bytes of `range` of the file, aligned to record boundaries at both ends. */
export async function* alignRange(path: string, range: ByteRange, sync = false): AsyncGenerator<Buffer> {
  // Start one byte early so that a boundary exactly at `start` is seen after its newline.
  const readFrom = range.start === 0 ? 0 : range.start - 1;
  // Chunks come from reused buffers (input/read.ts): the current and the previous one stay valid,
  // so anything kept longer is copied (Buffer.concat, Buffer.from).
  const stream = readReused(path, { start: readFrom, chunkBytes: CHUNK, sync });
  let buf: Buffer = Buffer.alloc(0);
  let bufAt = readFrom;
  let started = range.start === 0;
  try {
    for await (const raw of stream as AsyncIterable<Buffer>) {
      buf = buf.length > 0 ? Buffer.concat([buf, raw]) : raw;
      if (!started) {
        let b = findBoundary(buf, 0, false);
        if (b < 0) {
          if (buf.length < MAX_SEARCH) continue;
          // No record start in reach (one huge record): settle for the next line start.
          b = buf.indexOf(10) + 1;
          if (b === 0) continue;
        }
        started = true;
        bufAt += b;
        buf = buf.subarray(b);
        // The range lies inside one record that the previous range reads.
        if (bufAt >= range.end) return;
      }
      if (bufAt + buf.length <= range.end) {
        yield buf;
        bufAt += buf.length;
        buf = Buffer.alloc(0);
        continue;
      }
      // The end: the first record start after the newline at or after range.end - 1.
      const from = Math.max(0, range.end - 1 - bufAt);
      const b = findBoundary(buf, from, false);
      if (b >= 0) {
        yield buf.subarray(0, b);
        return;
      }
      if (bufAt + buf.length - range.end > MAX_SEARCH) {
        yield buf;
        return;
      }
      if (from > 0) {
        yield buf.subarray(0, from);
        bufAt += from;
        buf = Buffer.from(buf.subarray(from));
      }
    }
    if (started && buf.length > 0) yield buf;
  } finally {
    await stream.return(undefined);
  }
}
