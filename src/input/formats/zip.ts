// zip archives: read through the file when the input is one (entries read in place), else
// buffered up to MAX_ZIP_IN_MEMORY; entries declaring a bomb's ratio or more than a log holds are
// refused before reading, deflated ones inflated by the bounded inflater (gzip.ts).

import { createInflateRaw } from 'node:zlib';
import type yauzl from 'yauzl';
import { yauzlLib } from '../../lazy.js';
import { BOMB_MIN_BYTES, BOMB_RATIO, DEFAULT_MAX_INFLATED, formatBytes, type ExpandOptions, type ExpandStream, type Member } from '../expand.js';
import { drain } from '../streams.js';
import { isLogMemberName, UNSAFE_ENTRY, unsafeEntry, warnSkipped } from './archive-entry.js';
import { INFLATE_CHUNK, inflate } from './gzip.js';

/** True when `head` starts with a zip local file header. */
export function isZip(head: Buffer): boolean {
  return head.length >= 4 && head.readUInt32LE(0) === 0x04034b50;
}

const MAX_ZIP_IN_MEMORY = 512 << 20;

export async function* zipMembers(name: string, src: AsyncIterable<Buffer>, opts: ExpandOptions, depth: number, expand: ExpandStream, path?: string): AsyncGenerator<Member> {
  let zip: yauzl.ZipFile;
  if (path) {
    await drain(src);
    // Names are decoded here (decodeStrings: false): yauzl rejects the whole archive for one unsafe name.
    zip = await yauzlLib().openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true, decodeStrings: false });
  } else {
    const parts: Buffer[] = [];
    let size = 0;
    for await (const b of src) {
      size += b.length;
      if (size > MAX_ZIP_IN_MEMORY) {
        opts.warn(name, `zip archive on a stream is larger than ${MAX_ZIP_IN_MEMORY >> 20} MiB; give it as a file instead`);
        return;
      }
      parts.push(b);
    }
    zip = await yauzlLib().fromBufferPromise(Buffer.concat(parts), { lazyEntries: true, validateEntrySizes: true, decodeStrings: false });
  }
  const skipped: string[] = [];
  try {
    for (;;) {
      const entry = await nextEntry(zip);
      if (!entry) break;
      entry.fileName = yauzlLib().getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileName as unknown as Buffer, entry.extraFields, false);
      const memberName = `${name}!${entry.fileName}`;
      if (entry.fileName.endsWith('/')) continue;
      if (unsafeEntry(entry.fileName)) {
        opts.warn(memberName, UNSAFE_ENTRY);
        continue;
      }
      if (!isLogMemberName(entry.fileName)) {
        skipped.push(entry.fileName);
        continue;
      }
      const maxRatio = opts.maxRatio ?? BOMB_RATIO;
      if (entry.compressionMethod !== 0 && entry.uncompressedSize > (opts.minBombBytes ?? BOMB_MIN_BYTES) && entry.uncompressedSize > maxRatio * Math.max(entry.compressedSize, 1)) {
        opts.warn(memberName, `inflates ${formatBytes(entry.uncompressedSize)} from ${formatBytes(entry.compressedSize)}; looks like a decompression bomb, not read (--max-inflated raises the limits)`);
        continue;
      }
      const maxMember = opts.maxInflated ?? DEFAULT_MAX_INFLATED;
      if (entry.uncompressedSize > maxMember) {
        opts.warn(memberName, `declares ${formatBytes(entry.uncompressedSize)}, more than a log holds (${formatBytes(maxMember)}); not read (--max-inflated raises the limit)`);
        continue;
      }
      // Deflated entries are inflated here, in large steps (yauzl's own inflater works in 16 KiB ones).
      const deflated = entry.compressionMethod === 8;
      const stream = (await zip.openReadStreamPromise(entry, deflated ? { decompress: false } : {})) as AsyncIterable<Buffer>;
      const data = deflated ? inflate(stream, createInflateRaw({ chunkSize: INFLATE_CHUNK }), memberName, 'zip entry', opts, entry.uncompressedSize) : stream;
      for await (const m of expand(memberName, data, opts, depth + 1)) yield m;
    }
  } finally {
    zip.close();
  }
  warnSkipped(name, skipped, opts.warn);
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | null> {
  return new Promise((resolve, reject) => {
    const onEntry = (e: yauzl.Entry): void => {
      cleanup();
      resolve(e);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(null);
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const cleanup = (): void => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}
