// Text from logs and file names shown on a terminal or in a document: control characters (ESC,
// BEL, CR, the C1 controls) and the Unicode controls that reorder text are rendered visibly
// (`\x1b`, `\u202e`), so that a log line cannot clear the screen, set a window title, hide a
// hyperlink (OSC 8) or disguise itself. Tabs and line breaks stay. JSON escapes them itself.

/** C0 controls but tab and newline, DEL, C1 controls; bidirectional overrides and isolates. */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `s` with control characters shown as escapes (`\x1b`, `\u202e`). */
export function visible(s: string): string {
  CONTROL.lastIndex = 0;
  if (!CONTROL.test(s)) return s;
  return s.replace(CONTROL, (c) => {
    const n = c.charCodeAt(0);
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}

/** A copy of `value` (a Diagnosis, a group, any plain data) with every string passed through visible(). */
export function visibleDeep<T>(value: T): T {
  return walk(value) as T;
}

function walk(v: unknown): unknown {
  if (typeof v === 'string') return visible(v);
  if (Array.isArray(v)) return v.map(walk);
  if (v && typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = walk(x);
    return out;
  }
  return v;
}
