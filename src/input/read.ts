// Reading a file into a small ring of reused buffers. A fresh 1 MiB buffer per read costs more
// than the read itself (the kernel maps and zeroes new pages, and the garbage collector runs on
// the external memory), so the plain-text scan path reads every file through the same few
// buffers, fetching the next chunk while the current one is scanned.

import { read } from 'node:fs';
import { open } from 'node:fs/promises';

/** Buffers in the ring: the chunk being read ahead, the current chunk and the one before it. */
const RING = 3;

export interface ReusedReadOptions {
  /** First byte to read (default 0). */
  start?: number;
  /** Bytes per chunk (default 1 MiB). */
  chunkBytes?: number;
}

/**
 * Yields the file's bytes from `start` on in full chunks (only the last may be shorter).
 * A yielded chunk is overwritten two chunks later: the consumer may keep the current and the
 * previous chunk, and must copy anything it keeps longer.
 */
export async function* readReused(path: string, opts: ReusedReadOptions = {}): AsyncGenerator<Buffer> {
  const size = opts.chunkBytes ?? 1 << 20;
  const fh = await open(path, 'r');
  const ring = Array.from({ length: RING }, () => Buffer.allocUnsafeSlow(size));
  let position = opts.start ?? 0;
  /** Fills `b` from `at` until it is full or the file ends; returns the bytes read. */
  const fill = async (b: Buffer, at: number): Promise<number> => {
    let n = 0;
    while (n < b.length) {
      const { bytesRead } = await fh.read(b, n, b.length - n, at + n);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    return n;
  };
  let slot = 0;
  let ahead: Promise<number> | null = fill(ring[0]!, position);
  try {
    for (;;) {
      const n: number = await ahead!;
      ahead = null;
      if (n === 0) return;
      const chunk = ring[slot]!.subarray(0, n);
      position += n;
      slot = (slot + 1) % RING;
      if (n === size) ahead = fill(ring[slot]!, position);
      yield chunk;
      if (n < size) return;
    }
  } finally {
    // A read still in flight (the consumer stopped early) must end before the file is closed.
    if (ahead) await ahead.catch(() => 0);
    await fh.close();
  }
}

/**
 * Like readReused, for an open file descriptor read from its current position on (standard input
 * redirected from a file). The descriptor is not closed.
 */
export async function* readReusedFd(fd: number, chunkBytes = 1 << 20): AsyncGenerator<Buffer> {
  const ring = Array.from({ length: RING }, () => Buffer.allocUnsafeSlow(chunkBytes));
  const readInto = (b: Buffer, at: number): Promise<number> =>
    new Promise((resolve, reject) => read(fd, b, at, b.length - at, null, (err, n) => (err ? reject(err) : resolve(n))));
  const fill = async (b: Buffer): Promise<number> => {
    let n = 0;
    while (n < b.length) {
      const got = await readInto(b, n);
      if (got === 0) break;
      n += got;
    }
    return n;
  };
  let slot = 0;
  let ahead: Promise<number> | null = fill(ring[0]!);
  try {
    for (;;) {
      const n: number = await ahead!;
      ahead = null;
      if (n === 0) return;
      const chunk = ring[slot]!.subarray(0, n);
      slot = (slot + 1) % RING;
      if (n === chunkBytes) ahead = fill(ring[slot]!);
      yield chunk;
      if (n < chunkBytes) return;
    }
  } finally {
    if (ahead) await ahead.catch(() => 0);
  }
}
