// Small helpers over chunk streams (AsyncIterable<Buffer>) shared by the container formats:
// peeking at a head, replaying it, copying, draining, reading a whole small stream.

/** Reads at least `n` bytes (or all) and returns them plus a stream that replays everything. */
export async function peek(raw: AsyncIterable<Buffer>, n: number): Promise<{ head: Buffer; stream: AsyncIterable<Buffer> }> {
  const it = raw[Symbol.asyncIterator]();
  const got: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < n) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    const b = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
    got.push(b);
    size += b.length;
  }
  const head = Buffer.concat(got);
  async function* replay(): AsyncGenerator<Buffer> {
    try {
      if (head.length > 0) yield head;
      if (done) return;
      for (;;) {
        const r = await it.next();
        if (r.done) {
          done = true;
          return;
        }
        yield Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
      }
    } finally {
      // Closed early (the scan stopped): close the source too, so its file is closed now.
      if (!done) await it.return?.();
    }
  }
  return { head, stream: replay() };
}

/** The same chunks, each copied (for consumers that keep chunks while reading on). */
export async function* copyChunks(src: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  for await (const b of src) yield Buffer.from(b);
}

export async function drain(s: AsyncIterable<Buffer>): Promise<void> {
  for await (const _ of s) void _;
}

export async function* once(b: Buffer): AsyncGenerator<Buffer> {
  yield b;
}

/** A whole (small) stream as text; null (the rest drained) past `max` bytes. */
export async function readText(stream: AsyncIterable<Buffer>, max: number): Promise<string | null> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const b of stream) {
    size += b.length;
    if (size <= max) parts.push(Buffer.from(b));
  }
  return size > max ? null : Buffer.concat(parts).toString('utf8');
}
