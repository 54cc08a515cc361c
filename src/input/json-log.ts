// JSON log layouts (log4j2 JsonLayout / JsonTemplateLayout with ECS, the JSON records of managed
// Flink services): each record becomes one line in Flink's text layout, its stack trace kept on
// the same line with U+2028 separators so line numbers still match the input.

const TIME_KEYS = ['@timestamp', 'timestamp', 'time', 'ts', 'date'];
const LEVEL_KEYS = ['level', 'log.level', 'severity', 'messageType', 'loglevel'];
const LOGGER_KEYS = ['loggerName', 'logger', 'log.logger', 'logger_name', 'loggerFqcn'];
const MESSAGE_KEYS = ['message', 'msg', 'log'];
const STACK_KEYS = ['error.stack_trace', 'stack_trace', 'stackTrace', 'throwableInformation', 'exception', 'stack', 'error'];

/** Separator for the logical lines of one record (read back by the event builder). */
export const RECORD_LINE_SEPARATOR = '\u2028';

/** True when a line is a JSON object with a message and a level or time field. */
export function looksLikeJsonLog(line: string): boolean {
  if (!line.startsWith('{') || !line.trimEnd().endsWith('}')) return false;
  try {
    const o = JSON.parse(line) as Record<string, unknown>;
    const has = (keys: string[]): boolean => keys.some((k) => get(o, k) !== undefined);
    return has(MESSAGE_KEYS) && (has(LEVEL_KEYS) || has(TIME_KEYS) || 'instant' in o || 'timeMillis' in o);
  } catch {
    return false;
  }
}

function get(o: Record<string, unknown>, key: string): unknown {
  if (key in o) return o[key];
  // ECS may nest: {"log": {"level": …}}
  const parts = key.split('.');
  let cur: unknown = o;
  for (const p of parts) {
    if (cur === null || typeof cur !== 'object' || !(p in (cur as object))) return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function first(o: Record<string, unknown>, keys: string[]): unknown {
  for (const k of keys) {
    const v = get(o, k);
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

function formatTime(o: Record<string, unknown>): string {
  let d: Date | null = null;
  const instant = o.instant as { epochSecond?: number; nanoOfSecond?: number } | undefined;
  if (instant && typeof instant.epochSecond === 'number') d = new Date(instant.epochSecond * 1000 + Math.floor((instant.nanoOfSecond ?? 0) / 1e6));
  else if (typeof o.timeMillis === 'number') d = new Date(o.timeMillis);
  else {
    const t = first(o, TIME_KEYS);
    if (typeof t === 'number') d = new Date(t > 1e12 ? t : t * 1000);
    else if (typeof t === 'string') {
      const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?/.exec(t);
      if (m) return `${m[1]} ${m[2]},${(m[3] ?? '000').padEnd(3, '0').slice(0, 3)}${m[4] ?? ''}`;
    }
  }
  if (!d || Number.isNaN(d.getTime())) return '';
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())},${pad(d.getUTCMilliseconds(), 3)}Z`;
}

/** log4j2 JsonLayout `thrown`: {name, message, extendedStackTrace|stackTrace, cause}. */
function thrownText(t: unknown, prefix = ''): string {
  if (!t || typeof t !== 'object') return '';
  const x = t as { name?: string; message?: string; extendedStackTrace?: unknown[]; stackTrace?: unknown[]; cause?: unknown };
  const lines = [`${prefix}${x.name ?? 'java.lang.Throwable'}${x.message ? `: ${x.message}` : ''}`];
  for (const f of (x.extendedStackTrace ?? x.stackTrace ?? []) as { class?: string; method?: string; file?: string; line?: number }[]) {
    lines.push(`\tat ${f.class}.${f.method}(${f.file ?? 'Unknown Source'}${f.line && f.line > 0 ? `:${f.line}` : ''})`);
  }
  const cause = thrownText(x.cause, 'Caused by: ');
  return cause ? `${lines.join('\n')}\n${cause}` : lines.join('\n');
}

/** Converts one JSON record into one Flink-layout line (ending in \n); invalid JSON passes through. */
export function jsonRecordToLine(line: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line + '\n';
  }
  const level = String(first(o, LEVEL_KEYS) ?? 'INFO').toUpperCase();
  const logger = String(first(o, LOGGER_KEYS) ?? 'json');
  const message = first(o, MESSAGE_KEYS);
  let stack = '';
  if (o.thrown) stack = thrownText(o.thrown);
  else {
    const s = first(o, STACK_KEYS);
    if (typeof s === 'string') stack = s;
    else if (s && typeof s === 'object') {
      const e = s as Record<string, unknown>;
      stack = typeof e.stack_trace === 'string' ? e.stack_trace : typeof e.stackTrace === 'string' ? e.stackTrace : typeof e.message === 'string' ? `${e.type ?? e.class ?? 'java.lang.Throwable'}: ${e.message}` : '';
    }
  }
  const msg = typeof message === 'string' ? message : JSON.stringify(message ?? '');
  const text = `${formatTime(o)} ${level.padEnd(5)} ${logger} [] - ${msg}${stack ? '\n' + stack : ''}`;
  return text.replace(/\r?\n/g, RECORD_LINE_SEPARATOR).trimStart() + '\n';
}
