// Text shaping shared by the human-readable reporters: eliding long paths and ids, trimming
// lines, splitting a pattern's prose into paragraphs, steps and code lines, wrapping, and a
// finding's cause without what its impact already says.

import type { Finding } from '../model.js';

/** Paths of four or more components; ids of 16+ hex digits (job, vertex, attempt ids). */
const LONG_PATH = /(?:[A-Za-z]:)?(?:[\\/][^\s\\/:'",;()[\]]+){4,}[\\/]?/g;
const LONG_ID = /\b[0-9a-f]{16,}(?:[_-][0-9a-f]{8,})*\b/gi;

/** A path with its middle components replaced by `…`: the first two and the last two stay. */
function elidePath(p: string, max: number): string {
  if (p.length <= max) return p;
  const sep = p.includes('/') ? '/' : '\\';
  const parts = p.split(sep);
  const lead = p.startsWith(sep) ? 1 : 0;
  const head = parts.slice(0, lead + 2);
  const tail = parts.slice(-2);
  if (head.length + tail.length >= parts.length) return p;
  return [...head, '…', ...tail].join(sep);
}

/**
 * Shortens a log line for display without losing what proves a diagnosis: the line's start, the
 * exception class and the end of the message (errno text, file names) stay; the middle of long
 * paths and long hex ids gives way first, then, if still too long, the middle of the line.
 */
export function elide(text: string, max = 200): string {
  let t = text.replace(/\t/g, '  ').trimEnd();
  if (t.length <= max) return t;
  // Log headers pad the logger name: one space is enough.
  t = t.replace(/(\S) {2,}(?=\S)/g, '$1 ');
  if (t.length <= max) return t;
  t = t.replace(LONG_ID, (id) => (id.length > 12 ? `${id.slice(0, 8)}…` : id));
  if (t.length <= max) return t;
  t = t.replace(LONG_PATH, (p) => elidePath(p, 40));
  if (t.length <= max) return t;
  // Still too long: keep the start (time, level, exception class) and the end of the message.
  const cls = /(?:^|\s)((?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable))(?::|\s|$)/.exec(t);
  const headLen = Math.max(Math.floor(max * 0.4), cls ? Math.min(cls.index + cls[0].length, max - 40) : 0);
  const tailLen = max - headLen - 3;
  return `${t.slice(0, headLen).trimEnd()} … ${t.slice(t.length - tailLen).trimStart()}`;
}

/** Shortens a line for display, keeping its start and its end (see elide). */
export function trimLine(text: string, max = 220): string {
  return elide(text, max);
}

/** One block of a pattern text: prose to reflow, a list item, or lines to show verbatim (commands, configuration). */
export interface TextBlock {
  kind: 'prose' | 'item' | 'code';
  /** Prose and items: one logical line; code: the lines as written. */
  text: string;
  /** Code only: every line is `key: value` configuration (rendered as YAML). */
  yaml?: boolean;
  /** Item marker (`1.`, `-`) for items; nesting for code inside an item. */
  marker?: string;
  inItem?: boolean;
}

const CODE_LINE = /^(?:\.[a-zA-Z]\w*\(|<[a-zA-Z][\w.-]*>|[a-z][\w-]*(?:\.[\w-]+)+:\s|(?:kubectl|df|mkdir|ln|touch|rm|cat|ls|nc|curl|export|flink|flink-doctor|kafka-[\w.-]+|hdfs|sudo|grep|mount|stat|jcmd|jmap|java|ulimit|sysctl)\s|[a-zA-Z_]\w*=\S|\$ )|\s&&\s|^\s*-D[\w.]+=|^(?:GRANT|REVOKE|SHOW|ALTER|CREATE|SELECT|INSERT|SET|DROP|USE|CALL) [^\n]*;$/;
const ITEM = /^(\d+\.|[-•*])\s+(.*)$/;
const YAML_LINE = /^[a-z][\w-]*(?:\.[\w-]+)+:\s/;

/**
 * Splits a pattern text (cause, fix, verification) into blocks: paragraphs and list items whose
 * hard-wrapped lines are joined into one logical line (a renderer wraps them to its width), and
 * command or configuration lines kept verbatim.
 */
export function textBlocks(text: string): TextBlock[] {
  const out: TextBlock[] = [];
  let inItem = false;
  for (const para of text.replace(/\r/g, '').split(/\n\s*\n/)) {
    const lines = para.split('\n').filter((l) => l.trim() !== '');
    if (lines.length === 0) continue;
    const indented = /^\s+/.test(lines[0]!);
    if (!indented && !ITEM.test(lines[0]!.trim())) inItem = false;
    let cur: TextBlock | null = null;
    /** Where the text of the line before starts (its indent, past an item marker); -1: none, or it ends with a colon. */
    let textColumn = -1;
    for (const raw of lines) {
      const l = raw.trim();
      const item = ITEM.exec(l);
      const indent = raw.length - raw.trimStart().length;
      // A sentence wrapped before a `key: value` or a command word goes on at the column of its
      // text: a code line stands deeper, after a colon, or on its own.
      const goesOn = cur !== null && cur.kind !== 'code' && textColumn >= 0 && indent <= textColumn;
      textColumn = l.endsWith(':') ? -1 : indent + (item && !/^\d+\.\d/.test(l) ? item[1]!.length + 1 : 0);
      if (CODE_LINE.test(l) && !goesOn) {
        if (cur?.kind === 'code') cur.text += `\n${l}`;
        else out.push((cur = { kind: 'code', text: l, inItem: inItem && indented }));
        cur.yaml = (cur.yaml ?? true) && YAML_LINE.test(l);
      } else if (item && !/^\d+\.\d/.test(l)) {
        inItem = true;
        out.push((cur = { kind: 'item', marker: item[1]!, text: item[2]! }));
      } else if (cur && cur.kind !== 'code') {
        cur.text += ` ${l}`;
      } else {
        out.push((cur = { kind: 'prose', text: l, inItem: inItem && indented }));
      }
    }
  }
  for (const b of out) if (b.kind === 'code' && !b.yaml) delete b.yaml;
  return out;
}

/** Wraps one logical line at `width` columns (words longer than the width stay whole). */
export function wrap(text: string, width: number): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur && cur.length + 1 + w.length > width) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines;
}

/** Normalised text for comparisons: whitespace folded. */
function folded(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** A finding's cause without the paragraphs that repeat one of its impact lines word for word. */
export function causeText(f: Finding): string {
  const impact = new Set(f.impact.map(folded));
  return f.cause
    .split(/\n\s*\n/)
    .filter((p) => !impact.has(folded(p)))
    .join('\n\n');
}
