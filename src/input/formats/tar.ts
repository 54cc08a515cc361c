// tar archives (tar.gz arrives here once gzip is unwrapped), streamed entry by entry; each entry
// that may be a log or Flink configuration is expanded in turn.

import { Readable } from 'node:stream';
import { tarLib } from '../../lazy.js';
import type { ExpandOptions, ExpandStream, Member } from '../expand.js';
import { isLogMemberName, UNSAFE_ENTRY, unsafeEntry, warnSkipped } from './archive-entry.js';

/** True when `head` holds tar's magic (`ustar` at offset 257). */
export function isTar(head: Buffer): boolean {
  return head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar';
}

export async function* tarMembers(name: string, src: AsyncIterable<Buffer>, opts: ExpandOptions, depth: number, expand: ExpandStream): AsyncGenerator<Member> {
  const extract = tarLib().extract();
  const input = Readable.from(src);
  input.on('error', (e) => extract.destroy(e));
  input.pipe(extract);
  const skipped: string[] = [];
  for await (const entry of extract) {
    const h = entry.header;
    const memberName = `${name}!${h.name}`;
    if (h.type !== 'file') {
      entry.resume();
      continue;
    }
    if (unsafeEntry(h.name)) {
      opts.warn(memberName, UNSAFE_ENTRY);
      entry.resume();
      continue;
    }
    if (!isLogMemberName(h.name)) {
      skipped.push(h.name);
      entry.resume();
      continue;
    }
    for await (const m of expand(memberName, entry as AsyncIterable<Buffer>, opts, depth + 1)) yield m;
    // An entry must be consumed before the next one arrives.
    entry.resume();
  }
  warnSkipped(name, skipped, opts.warn);
}
