// Binary data: recognised from its start; the runs of text in it are still scanned (a log after a
// garbage prefix, messages inside a binary file), and the share of text says which it was.

import type { ExpandOptions, Member } from '../expand.js';

/**
 * The member of a file binary at its start, which may still hold a log after some garbage (or
 * text among binary data): its text runs, and a warning with the share of text over the whole read.
 */
export function binaryMember(name: string, src: AsyncIterable<Buffer>, opts: ExpandOptions): Member {
  return { name, kind: 'log', chunks: textRuns(src, (text, total) => opts.warn(name, binaryMessage(text, total))), gzip: false, format: 'text-in-binary' };
}

/** Shortest run of text bytes kept from binary data (shorter ones are noise). */
const MIN_TEXT_RUN = 8;

/** True for a byte that text holds: printable ASCII, tab, line ends, and the bytes of UTF-8 sequences. */
function isTextByte(b: number): boolean {
  return (b >= 32 && b !== 127) || b === 9 || b === 10 || b === 13;
}

/**
 * The runs of text (MIN_TEXT_RUN bytes or more) in binary data, each ended by a line break, so
 * that a log after a garbage prefix, or messages inside a binary file, are still scanned. At the
 * end, `done` gets the text bytes kept and the bytes read.
 */
async function* textRuns(src: AsyncIterable<Buffer>, done: (text: number, total: number) => void): AsyncGenerator<Buffer> {
  let total = 0;
  let kept = 0;
  let run: Buffer[] = [];
  let runBytes = 0;
  for await (const b of src) {
    total += b.length;
    const out: Buffer[] = [];
    let start = 0;
    for (let i = 0; i <= b.length; i++) {
      if (i < b.length && isTextByte(b[i]!)) continue;
      // b[start, i) is text; it continues a run carried from the previous chunk when start is 0.
      if (i > start) {
        run.push(b.subarray(start, i));
        runBytes += i - start;
      }
      if (i < b.length) {
        if (runBytes >= MIN_TEXT_RUN) {
          out.push(...run, NEWLINE);
          kept += runBytes;
        }
        run = [];
        runBytes = 0;
      }
      start = i + 1;
    }
    // A run reaching the chunk's end is carried (copied: the chunk may be reused).
    run = run.length > 0 ? [Buffer.from(Buffer.concat(run))] : [];
    if (out.length > 0) yield Buffer.concat(out);
  }
  if (runBytes >= MIN_TEXT_RUN) {
    kept += runBytes;
    yield Buffer.concat([...run, NEWLINE]);
  }
  done(kept, total);
}

const NEWLINE = Buffer.from('\n');

/** The warning for a file that looked binary: what share of it was text, and what was done. */
function binaryMessage(text: number, total: number): string {
  const share = total === 0 ? 0 : text / total;
  const pct = share >= 0.99 ? Math.floor(share * 1000) / 10 : Math.round(share * 100);
  if (share >= 0.9) return `starts with binary data: ${total - text} bytes that are not text were skipped, the text (${pct} %) was read`;
  return `binary data (not a text log: ${pct} % text); only the text found in it was scanned`;
}

/** Heuristic: NUL bytes, many control bytes, or invalid UTF-8 together with control bytes. */
export function looksBinary(data: Buffer): boolean {
  // Only the start counts: binary files are binary from byte 0, while a text log may hold a NUL run
  // further on (a crash while the file was being written).
  const head = data.subarray(0, 4096);
  if (head.length === 0) return false;
  let control = 0;
  let nul = 0;
  for (let i = 0; i < head.length; i++) {
    const b = head[i]!;
    if (b === 0) {
      // A run of NULs is padding left by a crash, not binary content.
      let j = i;
      while (j < head.length && head[j] === 0) j++;
      if (j - i < 16) nul += j - i;
      i = j - 1;
    } else if (b < 9 || (b > 13 && b < 32) || b === 127) control++;
  }
  if (nul > head.length * 0.01 || nul + control > head.length * 0.1) return true;
  if (nul + control > head.length * 0.01) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, Math.max(0, head.length - 4)));
    } catch {
      return true;
    }
  }
  return false;
}
