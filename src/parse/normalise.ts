// What issue trackers, mail clients and terminals do to log lines, undone once for every pattern:
// a message re-wrapped onto several lines is put back on one, and a word split by a space or a
// line break ("Operation not sup ported", "No locks avail\nable") is joined again when the joined
// word is one the patterns themselves use. Container prefixes, flattened traces and JSON layouts
// are undone earlier, when lines are read (line.ts, event.ts, input/json-log.ts).
// Every function here is linear in its input.

import type { ChainLink, LogEvent } from '../model.js';

/** The words (letters only, three or more) a set of texts uses: the vocabulary that split words are checked against. */
export function vocabularyOf(texts: Iterable<string>): Set<string> {
  const words = new Set<string>();
  for (const t of texts) {
    const re = /[A-Za-z]{3,}/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(t))) words.add(m[0]);
  }
  return words;
}

const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isBlank = (c: number): boolean => c === 32 || c === 9;

/**
 * A message re-wrapped by an issue tracker or mail client, put back on one line: a break between
 * two letters is taken for a word break (a space), any other break (inside a path or a number)
 * is joined without one. Blanks around a break are dropped.
 */
export function unwrap(text: string): string {
  if (!text.includes('\n')) return text;
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const nl = text.indexOf('\n', i);
    if (nl < 0) {
      out += text.slice(i);
      break;
    }
    let end = nl;
    while (end > i && (isBlank(text.charCodeAt(end - 1)) || text.charCodeAt(end - 1) === 13)) end--;
    out += text.slice(i, end);
    let next = nl + 1;
    while (next < n && (isBlank(text.charCodeAt(next)) || text.charCodeAt(next) === 10 || text.charCodeAt(next) === 13)) next++;
    if (out.length > 0 && next < n) {
      const a = out.charCodeAt(out.length - 1);
      const b = text.charCodeAt(next);
      if (isLetter(a) && isLetter(b)) out += ' ';
    }
    i = next;
  }
  return out;
}

/**
 * Joins words split by one space when the joined word is in `vocabulary` and neither half is:
 * "Operation not sup ported" → "Operation not supported", "not supported" stays as it is.
 * Returns the text itself when nothing was joined.
 */
export function joinSplitWords(text: string, vocabulary: ReadonlySet<string>): string {
  const { heads, tails } = affixesOf(vocabulary);
  let out: string | null = null;
  let last = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    // A run of letters [i, j), one space, a run of letters [j + 1, k).
    if (!isLetter(text.charCodeAt(i)) || (i > 0 && isLetter(text.charCodeAt(i - 1)))) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && isLetter(text.charCodeAt(j))) j++;
    if (j + 1 < n && text.charCodeAt(j) === 32 && isLetter(text.charCodeAt(j + 1))) {
      let k = j + 1;
      while (k < n && isLetter(text.charCodeAt(k))) k++;
      const a = text.slice(i, j);
      const b = text.slice(j + 1, k);
      if (heads.has(a) && tails.has(b) && vocabulary.has(a + b) && !vocabulary.has(a) && !vocabulary.has(b) && !vocabulary.has(a.toLowerCase()) && !vocabulary.has(b.toLowerCase())) {
        out = (out ?? '') + text.slice(last, j);
        last = j + 1;
        i = k;
        continue;
      }
    }
    i = j;
  }
  return out === null ? text : out + text.slice(last);
}

/** The proper prefixes and suffixes of a vocabulary's words (a split word's halves are one of each). */
const affixes = new WeakMap<ReadonlySet<string>, { heads: Set<string>; tails: Set<string> }>();
function affixesOf(vocabulary: ReadonlySet<string>): { heads: Set<string>; tails: Set<string> } {
  let a = affixes.get(vocabulary);
  if (!a) {
    a = { heads: new Set(), tails: new Set() };
    for (const w of vocabulary) {
      for (let i = 1; i < w.length; i++) {
        a.heads.add(w.slice(0, i));
        a.tails.add(w.slice(i));
      }
    }
    affixes.set(vocabulary, a);
  }
  return a;
}

/** A text as the patterns should read it: unwrapped, split words joined. */
export function normaliseText(text: string, vocabulary: ReadonlySet<string>): string {
  return joinSplitWords(unwrap(text), vocabulary);
}

/**
 * The event with its message, the messages of its exception chain and its lines normalised
 * (normaliseText), plus one line that joins its message lines (not frames) for conditions that
 * read single lines; null when normalising changes nothing. Line numbers are kept.
 */
export function normaliseEvent(e: LogEvent, vocabulary: ReadonlySet<string>, maxChars = 64 * 1024): LogEvent | null {
  // A record with a log header whose messages each sit on one line was not re-wrapped: it is
  // left as it is (a word split by a space is looked for only in pasted fragments and wrapped
  // records, where trackers and terminals put them; this keeps the cost off well-formed logs).
  if (e.hasHeader && !hasContinuation(e) && !e.message.includes('\n') && !e.chain.some((c) => c.message.includes('\n'))) return null;
  let changed = false;
  const norm = (t: string): string => {
    const s = t.length > maxChars ? t.slice(0, maxChars) : t;
    const r = normaliseText(s, vocabulary);
    if (r !== s) changed = true;
    return r;
  };
  const message = norm(e.message);
  const chain: ChainLink[] = e.chain.map((c) => ({ ...c, message: norm(c.message) }));
  // Stack frames are left as they are: no pattern reads them as text, and they are most of the bytes.
  const lines = e.lines.map((l) => (isProse(l) ? norm(l) : l));
  const lineNumbers = [...e.lineNumbers];
  // A message wrapped over several lines, joined: a text condition reads single lines, and a
  // line that continues the one before it (neither a frame nor the start of an exception or a
  // cause) is added joined to it.
  for (let i = 0; i < e.lines.length; i++) {
    if (!isProse(e.lines[i]!)) continue;
    let j = i + 1;
    while (j < e.lines.length && isProse(e.lines[j]!) && !startsLink(e.lines[j]!)) j++;
    if (j > i + 1) {
      lines.push(norm(e.lines.slice(i, j).join('\n')));
      lineNumbers.push(e.lineNumbers[i]!);
      changed = true;
    }
    i = j - 1;
  }
  return changed ? { ...e, message, chain, lines, lineNumbers } : null;
}

function isProse(line: string): boolean {
  const t = line.trim();
  return t.length > 0 && !t.startsWith('at ') && !/^\.\.\. \d+/.test(t);
}

/** A line that starts an exception or a cause of its own (`Caused by:`, `pkg.SomeException: …`). */
function startsLink(line: string): boolean {
  const t = line.trim();
  return t.startsWith('Caused by:') || t.startsWith('Suppressed:') || /^(?:[a-zA-Z_$][\w$]*\.)+[A-Z][\w$]*(?::|$)/.test(t.slice(0, 300));
}

/** True when a line of the event continues the message line before it (a wrapped message). */
function hasContinuation(e: LogEvent): boolean {
  for (let i = 1; i < e.lines.length; i++) {
    if (isProse(e.lines[i]!) && isProse(e.lines[i - 1]!) && !startsLink(e.lines[i]!)) return true;
  }
  return false;
}
