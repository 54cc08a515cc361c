// Reading a file into a small ring of reused buffers. A fresh 1 MiB buffer per read costs more
// than the read itself (the kernel maps and zeroes new pages, and the garbage collector runs on
// the external memory), so the plain-text scan path reads every file through the same few
// buffers, fetching the next chunk while the current one is scanned (or, on a thread that shares
// the machine with other scanning threads, reading it synchronously). The buffers come from the
// lender execution registers (lendRingBuffers: the scan kernel's memory, so that the kernel scans
// them where they lie), else they are allocated here.

import { read, readSync } from 'node:fs';
import { open } from 'node:fs/promises';

/** Chunks read ahead of the one being scanned. */
const AHEAD = 2;
/** Buffers in the ring: the chunks read ahead, the current chunk and the one before it. */
const RING = AHEAD + 2;

export interface ReusedReadOptions {
  /** First byte to read (default 0). */
  start?: number;
  /** Bytes per chunk (default 1 MiB). */
  chunkBytes?: number;
  /**
   * Read on the calling thread, one chunk when it is asked for, yielding to the event loop every
   * few chunks. For threads that share the cores with other scanning threads: a read handed to
   * libuv's pool costs more in all (a pool thread woken per read, the copy made on another core),
   * which pays only while a core would otherwise be idle.
   */
  sync?: boolean;
}

/** Chunks read synchronously between two turns of the event loop (abort signals, worker messages). */
const SYNC_YIELD = 4;

/** Reads up to `length` bytes into `b` at `offset`, from `position` (null: the current position); 0 at the end. */
type ReadInto = (b: Buffer, offset: number, length: number, position: number | null) => Promise<number>;

/**
 * Yields the file's bytes from `start` on in full chunks (only the last may be shorter).
 * A yielded chunk is overwritten two chunks later: the consumer may keep the current and the
 * previous chunk, and must copy anything it keeps longer.
 */
export async function* readReused(path: string, opts: ReusedReadOptions = {}): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  try {
    // A regular file that ends before the size it had when opened was truncated while read.
    const st = await fh.stat();
    const expected = st.isFile() ? st.size : null;
    const start = opts.start ?? 0;
    let end = start;
    const chunks = opts.sync
      ? syncRing(fh.fd, start, opts.chunkBytes ?? 1 << 20)
      : ring((b, offset, length, position) => fh.read(b, offset, length, position).then((r) => r.bytesRead), start, opts.chunkBytes ?? 1 << 20);
    for await (const chunk of chunks) {
      end += chunk.length;
      yield chunk;
    }
    if (expected !== null && end < expected) throw new ShrunkError(expected, end);
  } finally {
    await fh.close();
  }
}

/** A file that ended before the size it had when it was opened (truncated or rotated in place while read). */
export class ShrunkError extends Error {
  readonly code = 'ESHRUNK';
  constructor(
    readonly sizeAtOpen: number,
    readonly readTo: number,
  ) {
    super(`file shrank while it was read (from ${sizeAtOpen} to ${readTo} bytes): truncated or rotated in place; what was read before is kept, the result may be partial`);
  }
}

/** The ring read synchronously (ReusedReadOptions.sync): the chunk after the current one is read when asked for. */
async function* syncRing(fd: number, start: number, size: number): AsyncGenerator<Buffer> {
  const { buffers, release } = ringBuffers(3, size);
  try {
    for (let position = start, k = 0; ; k++) {
      const b = buffers[k % 3]!;
      let n = 0;
      for (let got = -1; n < size && got !== 0; n += got) got = readSync(fd, b, n, size - n, position + n);
      if (n === 0) return;
      position += n;
      if (k % SYNC_YIELD === SYNC_YIELD - 1) await new Promise((resolve) => setImmediate(resolve));
      yield b.subarray(0, n);
      if (n < size) return;
    }
  } finally {
    release();
  }
}

/** Buffers lent for a ring, given back with release() once no read is in flight; null: none to lend. */
export type RingLender = (count: number, size: number) => { buffers: Buffer[]; release: () => void } | null;

let lender: RingLender = () => null;

/** Where the rings of this thread take their buffers from (the scan kernel's memory: run/task.ts). */
export function lendRingBuffers(l: RingLender): void {
  lender = l;
}

/** `count` buffers of `size` bytes for a ring: lent when the lender can, else allocated. */
function ringBuffers(count: number, size: number): { buffers: Buffer[]; release: () => void } {
  return lender(count, size) ?? { buffers: Array.from({ length: count }, () => Buffer.allocUnsafeSlow(size)), release: () => undefined };
}

/**
 * Like readReused, for an open file descriptor read from its current position on (standard input
 * redirected from a file). The descriptor is not closed.
 */
export function readReusedFd(fd: number, chunkBytes = 1 << 20): AsyncGenerator<Buffer> {
  return ring((b, offset, length) => new Promise((resolve, reject) => read(fd, b, offset, length, null, (err, n) => (err ? reject(err) : resolve(n)))), null, chunkBytes);
}

/** The ring itself: `start` null reads on from the current position. */
async function* ring(readInto: ReadInto, start: number | null, size: number): AsyncGenerator<Buffer> {
  const { buffers, release } = ringBuffers(RING, size);
  let position = start;
  /** Fills `b` until it is full or the input ends; returns the bytes read. */
  const fill = async (b: Buffer, at: number | null): Promise<number> => {
    let n = 0;
    while (n < b.length) {
      const got = await readInto(b, n, b.length - n, at === null ? null : at + n);
      if (got === 0) break;
      n += got;
    }
    return n;
  };
  // Reads in flight, oldest first: AHEAD chunks are read ahead of the one being scanned.
  const ahead: Promise<number>[] = [];
  let next = 0;
  let ended = false;
  // Reads from the current position (standard input) must not overlap: one at a time.
  const depth = start === null ? 1 : AHEAD;
  const readAhead = (): void => {
    while (!ended && ahead.length < depth) {
      const at = position;
      if (position !== null) position += size;
      ahead.push(fill(buffers[next]!, at));
      next = (next + 1) % RING;
    }
  };
  let slot = 0;
  try {
    readAhead();
    for (;;) {
      const n: number = await ahead.shift()!;
      if (n < size) ended = true;
      if (n === 0) return;
      const chunk = buffers[slot]!.subarray(0, n);
      slot = (slot + 1) % RING;
      readAhead();
      yield chunk;
      if (n < size) return;
    }
  } finally {
    // Reads still in flight (the consumer stopped early) must end before the file is closed.
    await Promise.all(ahead.map((p) => p.catch(() => 0)));
    release();
  }
}
