// Timestamps of log headers: `yyyy-MM-dd HH:mm:ss,SSS` and its variants (T separator, dot, 1–9
// fraction digits, a zone), RocksDB's `yyyy/MM/dd-HH:mm:ss.micros`, and `MM-dd HH:mm:ss.SSS`
// without a year. The usual layout is read without a regex, the start of its minute computed
// once per minute of log (line.ts reads headers with it).

import { own } from '../strings.js';

export const TIMESTAMP = /^(\d{4})[-/](\d{2})[-/](\d{2})[ T-](\d{2}):(\d{2}):(\d{2})(?:[,.](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?/;
// `yy/MM/dd HH:mm:ss` (Hadoop's log4j layout `%d{yy/MM/dd HH:mm:ss} %p %c{2}: %m`, YARN and EMR
// containers): a two-digit year, read as 20yy.
export const SHORT_YEAR = /^(\d{2})\/(0[1-9]|1[0-2])\/(0[1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):([0-5]\d):([0-5]\d|60)(?:[,.](\d{1,9}))?(?=\s|$)/;
// `MM-dd HH:mm:ss.SSS` (log4j `%d{MM-dd HH:mm:ss.SSS}`): a date without its year.
export const YEARLESS = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):([0-5]\d):([0-5]\d|60)(?:[,.](\d{1,9}))?(?=\s|$)/;

/**
 * Reads `yyyy-MM-dd HH:mm:ss[,.]SSS[zone]` into an ISO string (zone kept only when written) and ms.
 * `MM-dd HH:mm:ss[,.]SSS` (no year) is read as in the year before `now` (yearOfUndated).
 */
export function readTimestamp(s: string, now = Date.now()): { iso: string | null; ms: number | null } {
  // The usual layout, `2024-03-11 09:00:00,123` with nothing after it, without a regex.
  if (s.length === 23 && isUsualTimestamp(s)) {
    const ms = usualMs(s);
    return { iso: isoOfUsual(s), ms: Number.isFinite(ms) ? ms : null };
  }
  const t = TIMESTAMP.exec(s);
  if (!t) return s.charCodeAt(2) === 45 ? readUndated(s, now) : s.charCodeAt(2) === 47 ? readShortYear(s) : { iso: null, ms: null };
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

/** Reads `yy/MM/dd HH:mm:ss[,.]SSS` as in the year 20yy. */
function readShortYear(s: string): { iso: string | null; ms: number | null } {
  const y = SHORT_YEAR.exec(s);
  return y ? shortYearTime(y) : { iso: null, ms: null };
}

/** The time of a SHORT_YEAR match, in the year 20yy. */
export function shortYearTime(y: RegExpExecArray): { iso: string; ms: number | null } {
  const frac = (y[7] ?? '').padEnd(3, '0').slice(0, 3);
  const iso = `20${y[1]}-${y[2]}-${y[3]}T${y[4]}:${y[5]}:${y[6]}${y[7] ? '.' + frac : ''}`;
  const ms = Date.UTC(2000 + +y[1]!, +y[2]! - 1, +y[3]!, +y[4]!, +y[5]!, +y[6]!, +frac);
  return { iso, ms: Number.isFinite(ms) ? ms : null };
}

/** True when `text` starts with a `yy/MM/dd HH:mm:ss` timestamp. */
export function isShortYearHeader(text: string): boolean {
  return text.charCodeAt(2) === 47 && SHORT_YEAR.test(text);
}

/**
 * True when `s` starts with `yyyy-MM-dd[ T]HH:mm:ss[,.]SSS` (digits and separators checked, not
 * ranges: month 13 or hour 25 is read the way Date.UTC reads it, as the regex path does).
 */
export function isUsualTimestamp(s: string): boolean {
  return (
    isDateTime(s) &&
    (s.charCodeAt(19) === 44 || s.charCodeAt(19) === 46) &&
    isDigit(s.charCodeAt(20)) &&
    isDigit(s.charCodeAt(21)) &&
    isDigit(s.charCodeAt(22))
  );
}

/** True when `s` starts with `yyyy-MM-dd[ T]HH:mm:ss` (digits and separators checked). */
export function isDateTime(s: string): boolean {
  const sep = s.charCodeAt(10);
  return (
    isDigit(s.charCodeAt(0)) &&
    isDigit(s.charCodeAt(1)) &&
    isDigit(s.charCodeAt(2)) &&
    isDigit(s.charCodeAt(3)) &&
    s.charCodeAt(4) === 45 &&
    isDigit(s.charCodeAt(5)) &&
    isDigit(s.charCodeAt(6)) &&
    s.charCodeAt(7) === 45 &&
    isDigit(s.charCodeAt(8)) &&
    isDigit(s.charCodeAt(9)) &&
    (sep === 32 || sep === 84) &&
    isDigit(s.charCodeAt(11)) &&
    isDigit(s.charCodeAt(12)) &&
    s.charCodeAt(13) === 58 &&
    isDigit(s.charCodeAt(14)) &&
    isDigit(s.charCodeAt(15)) &&
    s.charCodeAt(16) === 58 &&
    isDigit(s.charCodeAt(17)) &&
    isDigit(s.charCodeAt(18))
  );
}

/** The minute (`yyyy-MM-dd HH:mm`) last read by usualMs and the time of its start in ms. */
let minuteText = '\u0000';
let minuteMs = 0;

/**
 * Epoch ms of the usual timestamp at the start of `s` (isUsualTimestamp(s) true): the minute's
 * start is computed once per minute of log, seconds and ms added to it. Date.UTC adds the fields
 * of the time of day in the same integer arithmetic, so the sum is the value
 * Date.UTC(y, M - 1, d, H, m, s, S) gives, out-of-range fields included (month 13, hour 25).
 */
export function usualMs(s: string): number {
  if (!s.startsWith(minuteText)) {
    minuteText = own(s.slice(0, 16));
    minuteMs = Date.UTC(num(s, 0, 4), num(s, 5, 2) - 1, num(s, 8, 2), num(s, 11, 2), num(s, 14, 2));
  }
  return minuteMs + ((s.charCodeAt(17) - 48) * 10 + s.charCodeAt(18) - 48) * 1000 + (s.charCodeAt(20) - 48) * 100 + (s.charCodeAt(21) - 48) * 10 + (s.charCodeAt(22) - 48);
}

/**
 * usualMs of `s` when it starts with the usual timestamp, else null. A line of the minute last
 * read needs only its seconds and milliseconds checked: the minute's characters were checked
 * when it was read.
 */
export function usualStampMs(s: string): number | null {
  if (s.startsWith(minuteText)) {
    if (
      s.charCodeAt(16) !== 58 ||
      !isDigit(s.charCodeAt(17)) ||
      !isDigit(s.charCodeAt(18)) ||
      (s.charCodeAt(19) !== 44 && s.charCodeAt(19) !== 46) ||
      !isDigit(s.charCodeAt(20)) ||
      !isDigit(s.charCodeAt(21)) ||
      !isDigit(s.charCodeAt(22))
    ) {
      return null;
    }
  } else if (!isUsualTimestamp(s)) {
    return null;
  }
  return usualMs(s);
}

/**
 * `2024-03-11 09:00:00,123` as `2024-03-11T09:00:00.123`, built as one flat string: events keep
 * their time, and a string pieced together from slices costs about four times the memory.
 */
export function isoOfUsual(s: string): string {
  return String.fromCharCode(
    s.charCodeAt(0), s.charCodeAt(1), s.charCodeAt(2), s.charCodeAt(3), 45, s.charCodeAt(5), s.charCodeAt(6), 45, s.charCodeAt(8), s.charCodeAt(9), 84,
    s.charCodeAt(11), s.charCodeAt(12), 58, s.charCodeAt(14), s.charCodeAt(15), 58, s.charCodeAt(17), s.charCodeAt(18), 46, s.charCodeAt(20), s.charCodeAt(21), s.charCodeAt(22),
  );
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

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The decimal number of the `n` digits at `s[i]` (checked by the caller). */
function num(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = i; k < i + n; k++) v = v * 10 + s.charCodeAt(k) - 48;
  return v;
}
