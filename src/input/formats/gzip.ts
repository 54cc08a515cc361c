// gzip streams (recognised by their magic bytes, nested up to three levels), and the bounded
// inflater that zip entries share: it stops at decompression bombs and at the inflate limits.

import { Readable, type Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { BOMB_MIN_BYTES, BOMB_RATIO, DEFAULT_MAX_INFLATED, formatBytes, MAX_RUN_FACTOR, type ExpandOptions, type ExpandStream, type Member } from '../expand.js';
import { drain } from '../streams.js';

/** True when `head` starts with gzip's magic bytes. */
export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** The members of a gzip stream (what it inflates to, expanded in turn), each marked as gzip. */
export async function* gzipMembers(name: string, src: AsyncIterable<Buffer>, opts: ExpandOptions, depth: number, expand: ExpandStream): AsyncGenerator<Member> {
  if (depth > 3) {
    opts.warn(name, 'gzip nested more than 3 levels deep; not read');
    await drain(src);
    return;
  }
  for await (const m of expand(name, gunzip(src, name, opts), opts, depth + 1)) {
    m.gzip = true;
    yield m;
  }
}

/** Output chunk of the inflaters: large, so that 1 GiB inflates in about a thousand steps, not tens of thousands. */
export const INFLATE_CHUNK = 1 << 20;

/** Inflates gzip, stopping with a warning when the output grows like a decompression bomb. */
function gunzip(src: AsyncIterable<Buffer>, name: string, opts: ExpandOptions): AsyncGenerator<Buffer> {
  return inflate(src, createGunzip({ chunkSize: INFLATE_CHUNK }), name, 'gzip data', opts, null);
}

/**
 * Runs `src` through an inflater. It stops with a warning when the output grows like a
 * decompression bomb (more than maxRatio:1 past minBombBytes), past the bound of one member
 * (maxInflated) or of the whole scan (inflateBudget), or past `declared` bytes (a zip entry's
 * stated size). Data before a damaged spot is handed on before the error.
 */
export async function* inflate(src: AsyncIterable<Buffer>, z: Transform, name: string, what: string, opts: ExpandOptions, declared: number | null): AsyncGenerator<Buffer> {
  const maxRatio = opts.maxRatio ?? BOMB_RATIO;
  const minBomb = opts.minBombBytes ?? BOMB_MIN_BYTES;
  const maxMember = opts.maxInflated ?? DEFAULT_MAX_INFLATED;
  const budget = opts.inflateBudget;
  let outBytes = 0;
  const input = Readable.from(src);
  input.on('error', (e) => z.destroy(e));
  input.pipe(z);
  try {
    for await (const b of z as AsyncIterable<Buffer>) {
      outBytes += b.length;
      // The compressed bytes the inflater has taken in (not those read ahead of it).
      const inBytes = (z as Transform & { bytesWritten: number }).bytesWritten;
      if (outBytes > minBomb && outBytes > maxRatio * Math.max(inBytes, 1)) {
        opts.warn(name, `${what} inflates more than ${maxRatio}:1 (${formatBytes(outBytes)} from ${formatBytes(inBytes)}); looks like a decompression bomb, the rest was not read (--max-inflated raises the limits)`);
        return;
      }
      if (outBytes > maxMember) {
        opts.warn(name, `${what} inflates to more than ${formatBytes(maxMember)}, more than a log holds; the rest was not read (--max-inflated raises the limit)`);
        return;
      }
      if (declared !== null && outBytes > declared) {
        opts.warn(name, `${what} inflates beyond its declared size of ${declared} bytes; the rest was not read`);
        return;
      }
      if (budget) {
        if (budget.left < b.length) {
          if (!budget.spent) opts.warn(name, `compressed inputs inflated to more than ${formatBytes(maxMember * MAX_RUN_FACTOR)} in all; the rest of this input and further compressed ones were not read (--max-inflated raises the limit)`);
          budget.spent = true;
          budget.left = 0;
          return;
        }
        budget.left -= b.length;
      }
      yield b;
    }
  } finally {
    input.unpipe(z);
    input.destroy();
    z.destroy();
  }
}
