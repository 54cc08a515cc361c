// A record as the scanner cuts it out of the byte stream: its first line number, its lines (or,
// for a detector on another thread, its bytes and how they make lines), its offset, and the
// prefilter literals it holds.

import type { ScannedRecord } from '../model.js';

/** How a record's bytes become its lines (recordLines). */
export const enum RecordForm {
  /** Whole lines: split at newlines, carriage returns dropped. */
  Lines = 0,
  /** A window of an over-long line: one line, a final newline dropped. */
  Window = 1,
  /** A piece of a line longer than the carry limit: one line as it is. */
  Piece = 2,
}

/** The lines of a record's bytes `buf[from, to)`, as the scanner hands them on (the detector of a pipeline decodes them so too). */
export function recordLines(buf: Buffer, from: number, to: number, form: RecordForm): string[] {
  if (form === RecordForm.Lines) {
    // A record of one line (most of them): decoded without its newline and carriage return,
    // with no split. A newline byte is never part of a UTF-8 sequence, so decoding the line alone
    // gives the characters decoding the record and splitting it would.
    const last = to > from && buf[to - 1] === 10 ? to - 1 : to;
    const nl = buf.indexOf(10, from);
    if (nl < 0 || nl >= last) return [buf.toString('utf8', from, last > from && buf[last - 1] === 13 ? last - 1 : last)];
  }
  return splitRecordLines(buf, from, to, form);
}

/**
 * recordLines without its shortcut for a record of one line: the record decoded whole, split at
 * newlines, carriage returns dropped (the tests hold the shortcut to it).
 */
export function splitRecordLines(buf: Buffer, from: number, to: number, form: RecordForm): string[] {
  const text = buf.toString('utf8', from, to);
  if (form === RecordForm.Window) return [text.replace(/\r?\n$/, '')];
  if (form === RecordForm.Piece) return [text];
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
  }
  return lines;
}

/** A record cut out of the byte stream, not yet parsed. */
export interface RawEvent extends ScannedRecord {
  /** With ScanOptions.raw: the record's bytes (valid only while onRecord runs) and how they make lines. */
  bytes?: Buffer;
  form?: RecordForm;
  /** Absolute byte offset of the record in the (decompressed) stream. */
  offset: number;
}

