// Line-level parsing: container prefixes (kubectl --prefix/--timestamps, CRI, docker-compose),
// log header layouts (log4j1, log4j2, logback, RocksDB's LOG, generic timestamp + level) and the classification
// of a line as header, continuation (stack trace) or other text. Timestamps are read in
// timestamp.ts; event assembly is in event.ts.

import type { LogHeader } from '../model.js';
import { own } from '../strings.js';
import { isDigit, isoOfUsual, isShortYearHeader, isUndatedHeader, readTimestamp, SHORT_YEAR, shortYearTime, TIMESTAMP, usualMs, usualStampMs, YEARLESS } from './timestamp.js';

export { isUndatedHeader, readTimestamp, yearOfUndated } from './timestamp.js';

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
/** A level word right after an RFC 3339 stamp: the stamp is the line's own date. */
const LEVEL_AFTER_STAMP = /(?:TRACE|DEBUG|INFO|WARN|ERROR|FATAL) /y;
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
    // A runtime's stamp before the line (kubectl --timestamps, docker), unless the stamp is the
    // line's own date: a layout that writes ISO time and then the level (`2020-09-22T08:51:55.311Z ERROR …`).
    if (m) {
      LEVEL_AFTER_STAMP.lastIndex = m[0].length;
      if (!LEVEL_AFTER_STAMP.test(s)) s = s.slice(m[0].length);
    }
  } else if (c >= 65 && (s.includes('| ') || s.includes('\t'))) {
    // The Java Service Wrapper's console prefix (`INFO   | jvm 1    | 2022/07/25 11:38:01 | `) before a compose service's.
    const m = WRAPPER_PREFIX.exec(s) ?? COMPOSE_PREFIX.exec(s);
    if (m) s = s.slice(m[0].length);
  } else if (c >= 97 && c <= 122 && s.charCodeAt(s.indexOf(' ') - 6) === 45) {
    const m = POD_NAME_PREFIX.exec(s);
    if (m) s = s.slice(m[0].length);
  } else if (c === 95 || (c >= 48 && c <= 57 && s.charCodeAt(4) !== 45)) {
    // (A dated line, `2024-…`, has its dash at 4 and no line number before it: not looked at further.)
    const m = NUMBERED_LINE.exec(s);
    if (m) s = s.slice(m[0].length);
  }
  return s;
}

/**
 * The name of a Deployment's pod (`<name>-<replica set hash>-<5 characters>`) and a blank before
 * every line, as log tools that merge several pods print it (`flink-kubernetes-operator-7f95587856-cz8j7 2025-… `).
 */
const POD_NAME_PREFIX = /^[a-z0-9][-a-z0-9]{0,200}-[a-z0-9]{6,10}-[a-z0-9]{5} /;

/**
 * A viewer's line number (`13436 `, `_13436 `) and the blank after it, before what it may stand
 * before: a dated line, an exception or a frame. Anchored, it gives up at the first character
 * that is neither a digit nor that blank.
 */
const NUMBERED_LINE = /^_?\d{1,7} (?=\d{4}-\d\d-\d\d[ T]\d\d:\d\d|(?:[a-z_$][\w$]*\.)+(?:[A-Z][\w$]*)?(?:Exception|Error|Throwable)\b|Caused by: |\s*at [\w$.]+\()/;

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
const TIME_ONLY = /^(\d{2}):(\d{2}):(\d{2})(?:[,.](\d{1,9}))?\s/;
// A date and time in square brackets before the level, as Kafka's own log4j layout and some custom
// layouts write it: `[2016-06-06 10:35:35,592] WARN …`, `[2021-12-28T08:58:33.236Z] INFO  logger - …`.
const BRACKETED = /^\[(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[,.]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?)\]\s+/;
const LEVEL_WORD = new RegExp(String.raw`(?:^|[\s\[(])(${LEVELS})(?=[\s\]):])`);
const LEVEL_FIRST = new RegExp(String.raw`^\[?(${LEVELS})\]?[\s:]`);
const THREAD_FIRST = new RegExp(String.raw`^\[([^\]\n]{1,200})\]\s+(${LEVELS})\s+([\w$.\-]{1,300})\s+(?:\[[^\]\n]{0,200}\]\s+)?-\s(.*)$`);
const LEVEL_THEN_DATE = new RegExp(String.raw`^\[(${LEVELS})\]\s*\[(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[,.]\d{1,9})?)\]\s*(?:\[([\w$.\-]{1,300})\]\s*)?(.*)$`);

/** Parses a log header line; returns null when the line has no timestamp or leading level. */
export function parseHeader(text: string): Header | null {
  const c = text.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    const known = withKnownTail(text);
    if (known) return known;
    const std = STANDARD.exec(text);
    if (std) {
      const stamp = std[1]!;
      // The usual timestamp (`yyyy-MM-dd HH:mm:ss,SSS`, the digits checked by the regex) read in
      // place, without a regex and without the object readTimestamp returns.
      if (stamp.length === 23 && (text.charCodeAt(19) === 44 || text.charCodeAt(19) === 46) && isDigit(text.charCodeAt(22))) {
        const level = normaliseLevel(std[3]!);
        const logger = std[5]!;
        const thread = std[2] ?? std[4] ?? null;
        const message = std[6]!;
        rememberTail(text, message, level, logger, thread);
        return usualHeader(text, level, logger, thread, message);
      }
      const ts = readTimestamp(stamp);
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
    const h = text.charCodeAt(2) === 47 ? SHORT_YEAR.exec(text) : null;
    if (h) {
      const ts = shortYearTime(h);
      return genericRest(ts.iso, ts.ms, text.slice(h[0].length), true);
    }
    const to = TIME_ONLY.exec(text);
    if (to) return genericRest(null, null, text.slice(to[0].length));
    return null;
  }
  if (c === 91 /* [ */ && isDigit(text.charCodeAt(1))) {
    const b = BRACKETED.exec(text);
    if (b) {
      const ts = readTimestamp(b[1]!);
      return genericRest(ts.iso, ts.ms, text.slice(b[0].length));
    }
  }
  if (c === 91) {
    // log4j's TTCC layout without its relative time, and tools that log alike: `[thread] LEVEL logger - message`.
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

/** `%c{2}: ` after the level: the last two parts of the logger's name (a package, a class), then a colon. */
const HADOOP_LOGGER = /^\s+([a-z_$][\w$]*\.[A-Z][\w$]*): /;

/** Packages of Flink's runtime whose last part `%c{2}` keeps (`executiongraph.ExecutionGraph`), by that part. */
const FLINK_PACKAGES = new Map<string, string>([
  ...['checkpoint', 'dispatcher', 'entrypoint', 'executiongraph', 'jobmaster', 'resourcemanager', 'taskexecutor', 'taskmanager'].map((p): [string, string] => [p, `org.apache.flink.runtime.${p}`]),
  ['tasks', 'org.apache.flink.streaming.runtime.tasks'],
]);

/** A `package.Class` logger (HADOOP_LOGGER's), named in full when its package is one of Flink's runtime. */
function flinkLogger(short: string): string {
  const dot = short.indexOf('.');
  const pkg = FLINK_PACKAGES.get(short.slice(0, dot));
  return pkg === undefined ? short : `${pkg}${short.slice(dot)}`;
}

/** What follows a timestamp: a level, then a logger before ` - ` (or, in Hadoop's layout, `%c{2}: `), then the message. */
function genericRest(iso: string | null, ms: number | null, rest: string, hadoop = false): Header {
  const head = rest.slice(0, 120);
  const lv = LEVEL_WORD.exec(head);
  let message = rest.trim();
  let logger: string | null = null;
  if (lv) {
    const after = rest.slice(lv.index + lv[0].length);
    const dash = after.indexOf(' - ');
    const dashed = dash >= 0 && dash < 160;
    // Hadoop's layout, `%p %c{2}: %m`: the logger's last parts and a colon, no dash.
    const colon = hadoop && !dashed ? HADOOP_LOGGER.exec(after) : null;
    if (colon) {
      message = after.slice(colon[0].length).trim();
      logger = flinkLogger(colon[1]!);
    } else {
      message = (dashed ? after.slice(dash + 3) : after.replace(/^[\s\]:]+/, '')).trim();
      const lg = /([a-zA-Z_$][\w$]*(?:\.[\w$]+)+)/.exec(dashed ? after.slice(0, dash) : '');
      logger = lg ? lg[1]! : null;
    }
  }
  return { time: iso, timeMs: ms, level: lv ? normaliseLevel(lv[1]!) : null, logger, thread: null, message };
}

/**
 * What follows the timestamp of recent usual headers, up to the message: ` WARN  <logger>  [] - `.
 * A line of the same layout and logger repeats it character for character, and STANDARD reads
 * such a line as it read the line the tail came from: every choice of the regex up to the
 * message is made inside the tail (each `\s+` takes every blank, each optional `[…]` is taken
 * where a `[` stands, the ones it takes end at a `]` inside the tail), and the tail is kept only
 * where `-\s?` took a blank, so the message is the rest of the line, whatever it holds, unless
 * it holds a line break (then `(.*)$` fails and the regexes decide). Such a line is read without
 * the regex, its level, logger and thread shared with the line the tail came from.
 */
interface Tail {
  text: string;
  level: string;
  logger: string;
  thread: string | null;
}
/** Direct-mapped by characters of the level and the logger (tailSlot). */
const tails: (Tail | undefined)[] = new Array(64);

/**
 * The slot of a line's tail: the level's first character and every eighth character from the
 * logger's usual start to column 70 (loggers share their first packages, `org.apache.flink.`;
 * in the generated noisy and quiet logs, 14 and 10 tails, no two share a slot).
 */
function tailSlot(text: string): number {
  let x = text.charCodeAt(24);
  for (let i = 30; i <= 70; i += 8) x = (x * 31 + text.charCodeAt(i)) | 0;
  return (x ^ (x >>> 7)) & 63;
}

function withKnownTail(text: string): Header | null {
  const t = tails[tailSlot(text)];
  if (t === undefined) return null;
  const from = 23 + t.text.length;
  // (A slice compared whole is several times cheaper than startsWith with a position.)
  if (text.slice(23, from) !== t.text) return null;
  const ms = usualStampMs(text);
  if (ms === null || hasLineBreak(text, from)) return null;
  return usualHeader(text, t.level, t.logger, t.thread, text.slice(from), ms);
}

function rememberTail(text: string, message: string, level: string, logger: string, thread: string | null): void {
  const from = text.length - message.length;
  // `-\s?` took no blank: a message that starts with one would read differently.
  if (text.charCodeAt(from - 1) === 45 || from - 23 > 512) return;
  tails[tailSlot(text)] = { text: own(text.slice(23, from)), level, logger: own(logger), thread: thread === null ? null : own(thread) };
}

function hasLineBreak(text: string, from: number): boolean {
  return text.indexOf('\n', from) >= 0 || text.indexOf('\r', from) >= 0 || text.indexOf('\u2028', from) >= 0 || text.indexOf('\u2029', from) >= 0;
}

/** A header whose timestamp is the usual one at the start of `text` (`ms`: its usualMs). */
function usualHeader(text: string, level: string, logger: string, thread: string | null, message: string, ms = usualMs(text)): Header {
  return { time: isoOfUsual(text), timeMs: Number.isFinite(ms) ? ms : null, level, logger, thread, message };
}

function normaliseLevel(l: string): string {
  if (l === 'WARNING') return 'WARN';
  if (l === 'SEVERE') return 'ERROR';
  return l;
}

/** True when the line parses as a header (what parseHeader would not return null for). */
function isHeaderLine(text: string): boolean {
  const c = text.charCodeAt(0);
  if (c >= 48 && c <= 57) return TIMESTAMP.test(text) || TIME_ONLY.test(text) || isUndatedHeader(text) || isShortYearHeader(text);
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
    if (c === 91 && (BRACKETED.test(text) || THREAD_FIRST.test(text))) return LineKind.Header;
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
