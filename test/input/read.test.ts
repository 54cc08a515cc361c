// Reading files through reused buffers: read ahead on libuv's pool or synchronously on the
// calling thread, from any start, the chunks hold the file's bytes; a synchronous read still
// lets the event loop run (abort signals, worker messages) while a large file is read.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReused } from '../../src/input/read.js';
import { tempDir } from '../helpers.js';

async function readAll(path: string, sync: boolean, start: number, chunkBytes: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  // Chunks are overwritten two chunks later: copy each one.
  for await (const c of readReused(path, { sync, start, chunkBytes })) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

describe('readReused', () => {
  it('yields the bytes of the file from any start, read ahead or synchronously', async () => {
    const file = join(tempDir(), 'data.log');
    const data = Buffer.alloc(300_001);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) & 0xff;
    writeFileSync(file, data);
    for (const sync of [false, true]) {
      for (const [start, chunkBytes] of [[0, 1 << 20], [0, 4096], [12_345, 1000], [300_000, 64], [300_001, 64]] as const) {
        expect((await readAll(file, sync, start, chunkBytes)).equals(data.subarray(start))).toBe(true);
      }
    }
  });

  it('lets the event loop run between synchronous reads', async () => {
    const file = join(tempDir(), 'big.log');
    writeFileSync(file, Buffer.alloc(32 << 20, 0x61));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    let chunks = 0;
    try {
      for await (const c of readReused(file, { sync: true, chunkBytes: 1 << 20 })) {
        chunks += c.length > 0 ? 1 : 0;
        // A little work per chunk, as a scan does.
        const until = Date.now() + 2;
        while (Date.now() < until);
      }
    } finally {
      clearInterval(timer);
    }
    expect(chunks).toBe(32);
    expect(ticks).toBeGreaterThan(2);
  });
});
