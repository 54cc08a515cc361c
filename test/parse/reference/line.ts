// The header parser as it was before the header-tail cache and the in-place timestamp reader
// (src/parse/line.ts, timestamp.ts): kept unchanged as the reference the equivalence tests compare the parser with.

// Line-level parsing: container prefixes (kubectl --prefix/--timestamps, CRI, docker-compose),
// log header layouts (log4j1, log4j2, logback, RocksDB's LOG, generic timestamp + level) and the classification
// of a line as header, continuation (stack trace) or other text. Event assembly is in event.ts.

import type { LogHeader } from '../../../src/model.js';

/** How a line relates to the record structure of a log. */
export const enum LineKind {
  Header = 0,
  Continuation = 1,
  Other = 2,
  Blank = 3,
}

/** A parsed header line. */
export type Header = LogHeader;

const POD_PREFIX = /^\[pod\/[^\]\s]+\] /;
const RFC3339_PREFIX = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}) (?:(?:stdout|stderr) [FP] )?/;
// docker compose (`name  | `, `name\t| `) and tab-separated exports of container logs (`name\t<line>`),
// the latter only before what a log line starts with (a date, a frame, a class, a cause).
const WRAPPER_PREFIX = /^(?:STATUS|INFO|WARN|ERROR|DEBUG|FATAL|ADVICE)\s*\| (?:jvm \d+|wrapper)\s*\| \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d(?:\.\d{1,3})? \| ?/;
const COMPOSE_PREFIX = /^[A-Za-z][\w.-]*(?:\s*\| |\t(?=\d{4}-\d\d-\d\d|\tat |at |Caused by: |(?:[a-z_$][\w$]*\.)+[A-Z]))/;

/** Removes container-runtime prefixes from a line; the Flink text is what remains. */
export function stripContainerPrefix(line: string): string {
  let s = line;
  if (s.charCodeAt(0) === 91 /* [ */ && s.startsWith('[pod/')) {
    const m = POD_PREFIX.exec(s);
    if (m) s = s.slice(m[0].length);
  }
  const c = s.charCodeAt(0);
  if (c >= 48 && c <= 57 && s.charCodeAt(10) === 84 /* T */) {
    const m = RFC3339_PREFIX.exec(s);
    if (m && !/^(?:TRACE|DEBUG|INFO|WARN|ERROR|FATAL) /.test(s.slice(m[0].length))) s = s.slice(m[0].length);
  } else if (c >= 65 && (s.includes('| ') || s.includes('\t'))) {
    // The Java Service Wrapper's console prefix (`INFO   | jvm 1    | 2022/07/25 11:38:01 | `) before a compose service's.
    const m = WRAPPER_PREFIX.exec(s) ?? COMPOSE_PREFIX.exec(s);
    if (m) s = s.slice(m[0].length);
  }
  return s;
}

const LEVELS = 'TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|SEVERE';
// log4j 1/2 and logback with Flink's patterns, plus the common variants with a thread in brackets
// before or after the level: `<date> [thread] LEVEL logger [ndc] - msg`.
const STANDARD = new RegExp(
  String.raw`^(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[,.]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?)\s+(?:\[([^\]]*)\]\s+)?(` +
    LEVELS +
    String.raw`)\s+(?:\[([^\]]*)\]\s+)?([\w$.\-]+)\s+(?:\[[^\]]*\]\s+)?-\s?(.*)$`,
);
// RocksDB's own LOG file: `2024/05/01-12:00:00.123456 7f8b2c3fe700 [WARN] [db/file.cc:123] message`;
// the level is written only when it is not INFO, the source place not on header-level lines.
const ROCKSDB = /^(\d{4}\/\d{2}\/\d{2}-\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?) {1,4}([0-9a-f]{1,16}) {1,4}(?:\[(DEBUG|WARN|ERROR|FATAL)\] {1,4})?(?:\[([^\]\s]{1,200}):\d+\] {0,4})?(.*)$/;
const TIMESTAMP = /^(\d{4})[-/](\d{2})[-/](\d{2})[ T-](\d{2}):(\d{2}):(\d{2})(?:[,.](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?/;
const TIME_ONLY = /^(\d{2}):(\d{2}):(\d{2})(?:[,.](\d{1,9}))?\s/;
// `MM-dd HH:mm:ss.SSS` (log4j `%d{MM-dd HH:mm:ss.SSS}`): a date without its year.
const YEARLESS = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):([0-5]\d):([0-5]\d|60)(?:[,.](\d{1,9}))?(?=\s|$)/;
const LEVEL_WORD = new RegExp(String.raw`(?:^|[\s\[(])(${LEVELS})(?=[\s\]):])`);
const LEVEL_FIRST = new RegExp(String.raw`^\[?(${LEVELS})\]?[\s:]`);
const THREAD_FIRST = new RegExp(String.raw`^\[([^\]\n]{1,200})\]\s+(${LEVELS})\s+([\w$.\-]{1,300})\s+(?:\[[^\]\n]{0,200}\]\s+)?-\s(.*)$`);
const LEVEL_THEN_DATE = new RegExp(String.raw`^\[(${LEVELS})\]\s*\[(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[,.]\d{1,9})?)\]\s*(?:\[([\w$.\-]{1,300})\]\s*)?(.*)$`);

/** Parses a log header line; returns null when the line has no timestamp or leading level. */
export function parseHeader(text: string): Header | null {
  const c = text.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    const std = STANDARD.exec(text);
    if (std) {
      const ts = readTimestamp(std[1]!);
      return {
        time: ts.iso,
        timeMs: ts.ms,
        level: normaliseLevel(std[3]!),
        logger: std[5]!,
        thread: std[2] ?? std[4] ?? null,
        message: std[6]!,
      };
    }
    const r = text.charCodeAt(4) === 47 /* / */ && text.charCodeAt(10) === 45 /* - */ ? ROCKSDB.exec(text) : null;
    if (r) {
      const ts = readTimestamp(r[1]!);
      return { time: ts.iso, timeMs: ts.ms, level: r[3] ?? 'INFO', logger: r[4] ?? null, thread: r[2]!, message: r[5]! };
    }
    const t = TIMESTAMP.exec(text);
    if (t) {
      const ts = readTimestamp(t[0]);
      const rest = text.slice(t[0].length);
      return genericRest(ts.iso, ts.ms, rest);
    }
    const y = YEARLESS.exec(text);
    if (y) {
      const ts = readTimestamp(y[0]);
      return genericRest(ts.iso, ts.ms, text.slice(y[0].length));
    }
    const to = TIME_ONLY.exec(text);
    if (to) return genericRest(null, null, text.slice(to[0].length));
    return null;
  }
  if (c === 91) {
    const t = THREAD_FIRST.exec(text);
    if (t) return { time: null, timeMs: null, level: normaliseLevel(t[2]!), logger: t[3]!, thread: t[1]!, message: t[4]! };
  }
  const lf = LEVEL_FIRST.exec(text);
  if (lf) {
    // The level in brackets, then the date and the logger in brackets (Dinky's layout):
    // `[INFO] [2022-07-31 21:18:22][org.apache.flink.runtime.executiongraph.ExecutionGraph]Source: …`.
    const ld = text.charCodeAt(0) === 91 ? LEVEL_THEN_DATE.exec(text) : null;
    if (ld) {
      const ts = readTimestamp(ld[2]!);
      return { time: ts.iso, timeMs: ts.ms, level: normaliseLevel(ld[1]!), logger: ld[3] ?? null, thread: null, message: ld[4]!.trim() };
    }
    return { time: null, timeMs: null, level: normaliseLevel(lf[1]!), logger: null, thread: null, message: text.slice(lf[0].length).trim() };
  }
  return null;
}

function genericRest(iso: string | null, ms: number | null, rest: string): Header {
  const head = rest.slice(0, 120);
  const lv = LEVEL_WORD.exec(head);
  let message = rest.trim();
  let logger: string | null = null;
  if (lv) {
    const after = rest.slice(lv.index + lv[0].length);
    const dash = after.indexOf(' - ');
    message = (dash >= 0 && dash < 160 ? after.slice(dash + 3) : after.replace(/^[\s\]:]+/, '')).trim();
    const lg = /([a-zA-Z_$][\w$]*(?:\.[\w$]+)+)/.exec(dash >= 0 && dash < 160 ? after.slice(0, dash) : '');
    logger = lg ? lg[1]! : null;
  }
  return { time: iso, timeMs: ms, level: lv ? normaliseLevel(lv[1]!) : null, logger, thread: null, message };
}

function normaliseLevel(l: string): string {
  if (l === 'WARNING') return 'WARN';
  if (l === 'SEVERE') return 'ERROR';
  return l;
}

/** Start of the minute last read by readTimestamp (`yyyy-MM-dd HH:mm`) and its time in ms. */
let minuteText = '';
let minuteMs = 0;

/**
 * Reads `yyyy-MM-dd HH:mm:ss[,.]SSS[zone]` into an ISO string (zone kept only when written) and ms.
 * `MM-dd HH:mm:ss[,.]SSS` (no year) is read as in the year before `now` (yearOfUndated).
 */
export function readTimestamp(s: string, now = Date.now()): { iso: string | null; ms: number | null } {
  // The usual layout, `2024-03-11 09:00:00,123` with nothing after it, without a regex: the
  // minute's start is computed once per minute of log.
  if (s.length === 23 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45 && s.charCodeAt(13) === 58 && s.charCodeAt(16) === 58 && (s.charCodeAt(19) === 44 || s.charCodeAt(19) === 46) && (s.charCodeAt(10) === 32 || s.charCodeAt(10) === 84)) {
    const sec = digits2(s, 17);
    const frac = digits2(s, 20) * 10 + digit(s, 22);
    const minute = s.slice(0, 16);
    if (sec >= 0 && frac >= 0 && minute !== minuteText) {
      const t = TIMESTAMP.exec(s);
      if (t) {
        minuteText = minute;
        minuteMs = Date.UTC(+t[1]!, +t[2]! - 1, +t[3]!, +t[4]!, +t[5]!, 0, 0);
      }
    }
    if (sec >= 0 && frac >= 0 && minute === minuteText && Number.isFinite(minuteMs)) {
      return { iso: isoOfUsual(s), ms: minuteMs + sec * 1000 + frac };
    }
  }
  const t = TIMESTAMP.exec(s);
  if (!t) return s.charCodeAt(2) === 45 ? readUndated(s, now) : { iso: null, ms: null };
  const frac = (t[7] ?? '').padEnd(3, '0').slice(0, 3);
  const zone = t[8] ?? '';
  const iso = `${t[1]}-${t[2]}-${t[3]}T${t[4]}:${t[5]}:${t[6]}${t[7] ? '.' + frac : ''}${zone}`;
  let ms = Date.UTC(+t[1]!, +t[2]! - 1, +t[3]!, +t[4]!, +t[5]!, +t[6]!, +frac);
  if (zone && zone !== 'Z') {
    const z = /([+-])(\d{2}):?(\d{2})/.exec(zone)!;
    ms -= (z[1] === '-' ? -1 : 1) * (+z[2]! * 60 + +z[3]!) * 60000;
  }
  return { iso, ms: Number.isFinite(ms) ? ms : null };
}

/**
 * The year of a date written without one (`MM-dd HH:mm:ss`): the year of `now`, or the year
 * before when that would put the date more than a day after `now` (a December line read in
 * January). A log read long after it was written gets the wrong year: the report says so.
 */
export function yearOfUndated(month: number, day: number, now = Date.now()): number {
  const year = new Date(now).getUTCFullYear();
  return Date.UTC(year, month - 1, day) > now + 86_400_000 ? year - 1 : year;
}

/** True when a header line's timestamp has no year (`MM-dd HH:mm:ss`). */
export function isUndatedHeader(text: string): boolean {
  return text.charCodeAt(2) === 45 && YEARLESS.test(text);
}

function readUndated(s: string, now: number): { iso: string | null; ms: number | null } {
  const y = YEARLESS.exec(s);
  if (!y) return { iso: null, ms: null };
  const year = yearOfUndated(+y[1]!, +y[2]!, now);
  const frac = (y[6] ?? '').padEnd(3, '0').slice(0, 3);
  const iso = `${year}-${y[1]}-${y[2]}T${y[3]}:${y[4]}:${y[5]}${y[6] ? '.' + frac : ''}`;
  const ms = Date.UTC(year, +y[1]! - 1, +y[2]!, +y[3]!, +y[4]!, +y[5]!, +frac);
  return { iso, ms: Number.isFinite(ms) ? ms : null };
}

/**
 * `2024-03-11 09:00:00,123` as `2024-03-11T09:00:00.123`, built as one flat string: events keep
 * their time, and a string pieced together from slices costs about four times the memory.
 */
function isoOfUsual(s: string): string {
  const c = (i: number): number => s.charCodeAt(i);
  return String.fromCharCode(c(0), c(1), c(2), c(3), c(4), c(5), c(6), c(7), c(8), c(9), 84, c(11), c(12), c(13), c(14), c(15), c(16), c(17), c(18), 46, c(20), c(21), c(22));
}

function digit(s: string, i: number): number {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -1000;
}

function digits2(s: string, i: number): number {
  return digit(s, i) * 10 + digit(s, i + 1);
}

/** True when the line parses as a header (what parseHeader would not return null for). */
function isHeaderLine(text: string): boolean {
  const c = text.charCodeAt(0);
  if (c >= 48 && c <= 57) return TIMESTAMP.test(text) || TIME_ONLY.test(text) || isUndatedHeader(text);
  return LEVEL_FIRST.test(text);
}

const CLASS_LINE = /^(?:[a-zA-Z_$][\w$]*\.)+[A-Z][\w$]*(?:\$[\w$]+)*(?::\s|:$|$)/;

/** Classifies a line (container prefix already removed). */
export function classify(text: string): LineKind {
  if (text.length === 0) return LineKind.Blank;
  const c = text.charCodeAt(0);
  if (c === 32 || c === 9) {
    return text.trim().length === 0 ? LineKind.Blank : LineKind.Continuation;
  }
  if (c === 67 /* C */ && text.startsWith('Caused by:')) return LineKind.Continuation;
  if (c === 83 /* S */ && text.startsWith('Suppressed:')) return LineKind.Continuation;
  if (c === 46 /* . */ && /^\.\.\. \d+ (?:more|common frames omitted)/.test(text)) return LineKind.Continuation;
  if (c === 97 /* a */ && /^at [\w$.<>/]+\(/.test(text)) return LineKind.Continuation;
  if (c >= 48 && c <= 57) return isHeaderLine(text) ? LineKind.Header : LineKind.Other;
  if (((c >= 97 && c <= 122) || c === 95 || c === 36) && isExceptionLine(text)) return LineKind.Continuation;
  if (c === 91 /* [ */ || c === 73 || c === 87 || c === 69 || c === 68 || c === 70 || c === 84) {
    if (LEVEL_FIRST.test(text)) return LineKind.Header;
    if (c === 91 && THREAD_FIRST.test(text)) return LineKind.Header;
  }
  return LineKind.Other;
}

/** True for `<package.Class>: message` or a bare fully-qualified exception class line. */
export function isExceptionLine(text: string): boolean {
  const m = CLASS_LINE.exec(text);
  if (!m) return false;
  if (m[0].endsWith(': ') || m[0].endsWith(':')) return true;
  return /(?:Exception|Error|Throwable)$/.test(m[0]);
}

/** Splits `<class>: <message>` into its parts, or null when the text is not an exception line. */
export function splitExceptionLine(text: string): { cls: string; message: string } | null {
  const m = CLASS_LINE.exec(text);
  if (!m) return null;
  const cls = m[0].replace(/:\s?$/, '');
  if (!m[0].includes(':') && !/(?:Exception|Error|Throwable)$/.test(cls)) return null;
  return { cls, message: text.slice(m[0].length) };
}
