// Test helper: a buffer handed on in chunks of the given sizes (in turn), as a stream would.

/** Yields `buf` in chunks of `sizes[0]`, `sizes[1]` … bytes, in turn (at least 1 each). */
export async function* pieces(buf: Buffer, sizes: number[]): AsyncGenerator<Buffer> {
  let pos = 0;
  for (let k = 0; pos < buf.length; k++) {
    const n = Math.max(1, sizes[k % sizes.length]!);
    yield buf.subarray(pos, pos + n);
    pos += n;
  }
}
