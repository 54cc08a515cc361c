// Line and record boundaries read straight from the bytes: the kind of the line at a position
// (header, continuation, blank), the first record start at or after an offset (chunk joins and
// byte ranges cut records with this one rule), the level column of a source's header lines.

import { classify, LineKind, stripContainerPrefix } from '../parse/line.js';

/** detectLevelColumn's answer when the data held too few header lines. */
export const UNDECIDED = -2;

const LEVEL_AT = /\b(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)\b/;

/** The byte column of the level in the source's header lines when it is the same on every one, else -1. */
export function detectLevelColumn(buf: Buffer, limit: number): number {
  const cols = new Map<number, number>();
  let headers = 0;
  let p = 0;
  for (let n = 0; n < 200 && p < limit && headers < 50; n++) {
    const text = lineText(buf, p);
    if (classify(stripContainerPrefix(text)) === LineKind.Header) {
      headers++;
      const m = LEVEL_AT.exec(text.slice(0, 160));
      // Columns count bytes; a non-ASCII character before the level makes the column unusable.
      if (m && !/[^\x00-\x7f]/.test(text.slice(0, m.index))) cols.set(m.index, (cols.get(m.index) ?? 0) + 1);
    }
    const nl = buf.indexOf(10, p);
    if (nl < 0) break;
    p = nl + 1;
  }
  if (headers < 3) return UNDECIDED;
  if (cols.size !== 1) return -1;
  return [...cols.keys()][0]!;
}

/**
 * Index in `buf` of the first line start at or after `from` (a position just after a newline, or
 * `from` itself when `atLineStart`) whose line begins a record (a header or a blank line); -1 when
 * `buf` ends first. Chunk joins and byte ranges (range.ts) cut records with this one rule.
 */
export function findBoundary(buf: Buffer, from: number, atLineStart: boolean): number {
  let p = atLineStart ? from : buf.indexOf(10, from) + 1;
  if (!atLineStart && p === 0) return -1;
  while (p < buf.length) {
    const nl = buf.indexOf(10, p);
    if (nl < 0) return -1; // the line is not complete yet
    const kind = lineKindAt(buf, p);
    if (kind === LineKind.Header || kind === LineKind.Blank) return p;
    p = nl + 1;
  }
  return -1;
}

const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 48 && b <= 57;

/**
 * The kind of the line starting at `start`: what classify() says of its text (container prefix
 * removed), read straight from the bytes for the usual cases (an indented line, a blank line, a
 * `yyyy-MM-dd HH:mm:ss` header) and decoded only for the rest.
 */
export function lineKindAt(buf: Buffer, start: number): LineKind {
  const c = buf[start];
  if (c === undefined || c === 10 || (c === 13 && buf[start + 1] === 10)) return LineKind.Blank;
  if (c === 32 || c === 9) {
    let q = start + 1;
    const cap = start + 64;
    while (q < cap && (buf[q] === 32 || buf[q] === 9)) q++;
    const d = buf[q];
    // Anything but whitespace after the indent: a continuation line (trim() would keep it).
    if (d !== undefined && d > 32 && d !== 0xa0) return LineKind.Continuation;
  } else if (
    isDigit(c) && isDigit(buf[start + 1]) && isDigit(buf[start + 2]) && isDigit(buf[start + 3]) &&
    (buf[start + 4] === 45 || buf[start + 4] === 47) && isDigit(buf[start + 5]) && isDigit(buf[start + 6]) &&
    (buf[start + 7] === 45 || buf[start + 7] === 47) && isDigit(buf[start + 8]) && isDigit(buf[start + 9]) &&
    buf[start + 10] === 32 && isDigit(buf[start + 11]) && isDigit(buf[start + 12]) && buf[start + 13] === 58 &&
    isDigit(buf[start + 14]) && isDigit(buf[start + 15]) && buf[start + 16] === 58 && isDigit(buf[start + 17]) && isDigit(buf[start + 18])
  ) {
    return LineKind.Header;
  }
  return classify(stripContainerPrefix(lineText(buf, start)));
}

export function lineStart(buf: Buffer, pos: number): number {
  if (pos <= 0) return 0;
  return buf.lastIndexOf(10, pos - 1) + 1;
}

export function nextLine(buf: Buffer, pos: number): number {
  const nl = buf.indexOf(10, pos);
  return nl < 0 ? buf.length : nl + 1;
}

/** Text of the line starting at `start`, capped to keep classification cheap on long lines. */
export function lineText(buf: Buffer, start: number): string {
  let end = buf.indexOf(10, start);
  if (end < 0) end = buf.length;
  if (end - start > 400) end = start + 400;
  if (end > start && buf[end - 1] === 13) end--;
  return buf.toString('latin1', start, end);
}

/** Number of newline bytes in buf[from, to). */
export function countNewlines(buf: Buffer, from: number, to: number): number {
  let n = 0;
  let p = buf.indexOf(10, from);
  while (p !== -1 && p < to) {
    n++;
    p = buf.indexOf(10, p + 1);
  }
  return n;
}
