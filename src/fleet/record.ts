// One Kafka record as log text: a plain-text line (or several, a whole stack trace in one record)
// or a JSON log record in a layout the file reader knows, turned into a Flink-layout line. Which
// log stream a record belongs to comes from its headers (source, or job/pod/container) or its key.
// Detection and correlation are the neighbours' job (fleet/sessions.ts, follow.ts).

import { jsonRecordToLine, looksLikeJsonLog } from '../input/json-log.js';
import { LineKind } from '../parse/line.js';
import { lineKindAt } from '../scan/lines.js';

/** A record as the watcher reads it, independent of the Kafka client. */
export interface LogRecordIn {
  partition: number;
  /** The record's offset (a decimal string, as Kafka clients give it). */
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

/** A record's text for the scanner: its lines, the last one ending in \n unless `newline` says one must follow. */
export interface RecordText {
  text: Buffer;
  /** True when the text lacks its final newline. */
  newline: boolean;
  /** The pod (and container) a JSON record names in Kubernetes metadata (Fluent Bit, Vector), or null. */
  origin: string | null;
  /** True when a line of it may begin a log record (a header or a blank line), so the scanner keeps it back until the next one. */
  startsRecord: boolean;
}

/** Longest record value read; longer ones are cut (with a warning). */
export const MAX_RECORD_BYTES = 8 << 20;

function headerText(v: Buffer | string | (Buffer | string)[] | undefined): string | null {
  if (v === undefined) return null;
  const one = Array.isArray(v) ? v[v.length - 1] : v;
  if (one === undefined) return null;
  const s = (typeof one === 'string' ? one : one.toString('utf8')).trim();
  return s.length > 0 ? s : null;
}

/**
 * The log stream a record belongs to: the `source` header; else the `job`, `pod` and `container`
 * headers joined by '/'; else the pod (and container) a JSON record names (`origin`); else the
 * record key; else the partition.
 */
export function sourceOf(r: LogRecordIn, topic: string, origin: string | null = null): string {
  const h = r.headers ?? {};
  const named = headerText(h.source);
  if (named) return named;
  const parts = [headerText(h.job), headerText(h.pod), headerText(h.container)].filter((p): p is string => p !== null);
  if (parts.length > 0) return parts.join('/');
  if (origin) return origin;
  const key = r.key && r.key.length > 0 ? r.key.toString('utf8') : null;
  return key ?? `${topic}/${r.partition}`;
}

/** The group of sources correlated together: records of one key (the key's partition keeps their order). */
export function groupOf(r: LogRecordIn): string {
  return r.key && r.key.length > 0 ? r.key.toString('utf8') : '';
}

/** Bytes that are not text: NUL and other C0 controls than tab, newline, carriage return, form feed, escape. */
function binaryBytes(b: Buffer): number {
  let n = 0;
  const end = Math.min(b.length, 4096);
  for (let i = 0; i < end; i++) {
    const c = b[i]!;
    if (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 27) n++;
  }
  return n;
}

/**
 * The text of one record's value, or a warning saying why it cannot be read as a log line
 * (no value, binary data, JSON without a message). Invalid JSON is read as plain text, with a
 * warning.
 */
export function recordText(value: Buffer | null): { text: RecordText | null; warning: string | null } {
  if (value === null) return { text: null, warning: 'record has no value (a tombstone); skipped' };
  let v = value;
  let warning: string | null = null;
  if (v.length > MAX_RECORD_BYTES) {
    warning = `record of ${v.length} bytes cut to its first ${MAX_RECORD_BYTES}`;
    v = v.subarray(0, MAX_RECORD_BYTES);
  }
  if (v.length === 0) return { text: null, warning: null };
  if (binaryBytes(v) > 0) return { text: null, warning: 'record is not text (it holds control bytes); skipped' };
  let s: Buffer = v;
  let origin: string | null = null;
  const first = v[0];
  if (first === 0x7b /* { */) {
    const str = v.toString('utf8').trim();
    let parsed: unknown;
    try {
      parsed = JSON.parse(str);
    } catch {
      parsed = undefined;
    }
    origin = kubernetesOrigin(parsed);
    if (parsed === undefined) warning = 'record starts like JSON but is not valid JSON; read as plain text';
    else if (!looksLikeJsonLog(str)) return { text: null, warning: 'JSON record without a log message (no message/msg/log field with a level or time); skipped' };
    else s = Buffer.from(jsonRecordToLine(str), 'utf8');
  }
  return { text: { text: s, newline: s[s.length - 1] !== 10, origin, startsRecord: mayStartRecord(s) }, warning };
}

/** `kubernetes.pod_name[/container_name]` of a JSON record, as log shippers enrich them. */
function kubernetesOrigin(o: unknown): string | null {
  if (!o || typeof o !== 'object') return null;
  const k = (o as Record<string, unknown>).kubernetes;
  if (!k || typeof k !== 'object') return null;
  const pod = (k as Record<string, unknown>).pod_name;
  const container = (k as Record<string, unknown>).container_name;
  if (typeof pod !== 'string' || pod === '') return null;
  return typeof container === 'string' && container !== '' ? `${pod}/${container}` : pod;
}

/** True when some line of the text is a header or a blank line (where the scanner cuts records). */
function mayStartRecord(b: Buffer): boolean {
  for (let p = 0; p < b.length; ) {
    const k = lineKindAt(b, p);
    if (k === LineKind.Header || k === LineKind.Blank) return true;
    const nl = b.indexOf(10, p);
    if (nl < 0) break;
    p = nl + 1;
  }
  return false;
}
