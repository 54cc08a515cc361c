// The first and the last bytes of a stream that cannot be read again (standard input), kept as it
// is read: what the logs cover in time is read from a log's head and tail (coverage.ts), as it is
// from a file's.

/** Bytes kept from each end of a stream. */
export const EDGE_BYTES = 64 * 1024;

/** The head and tail of a stream, filled while it is read. */
export class StreamEdges {
  head: Buffer = Buffer.alloc(0);
  tail: Buffer = Buffer.alloc(0);

  /** Notes one chunk (copied: the chunk's buffer may be reused). */
  add(chunk: Buffer): void {
    if (this.head.length < EDGE_BYTES) this.head = Buffer.concat([this.head, chunk.subarray(0, EDGE_BYTES - this.head.length)]);
    const end = chunk.length >= EDGE_BYTES ? Buffer.from(chunk.subarray(chunk.length - EDGE_BYTES)) : Buffer.concat([this.tail, chunk]);
    this.tail = end.length > EDGE_BYTES ? Buffer.from(end.subarray(end.length - EDGE_BYTES)) : end;
  }
}

/** Passes a stream's chunks on, noting its edges in `edges`. */
export async function* withEdges(chunks: AsyncIterable<Buffer>, edges: StreamEdges): AsyncIterable<Buffer> {
  for await (const chunk of chunks) {
    edges.add(chunk);
    yield chunk;
  }
}
