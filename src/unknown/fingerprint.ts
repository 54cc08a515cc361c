// Fingerprints of failures no pattern knows: the root-cause exception class, its message with
// the variable parts masked (numbers, ids, hex, paths, hosts, pods, timestamps), and the top
// frames of the innermost cause that are not JDK or Flink-runtime plumbing. Grouping and ranking
// are in groups.ts; turning a fingerprint back into a pattern is scaffold.ts's job.

import { createHash } from 'node:crypto';
import type { ChainLink, LogEvent } from '../model.js';
import { own } from '../strings.js';

/** What identifies one kind of unknown failure. */
export interface FingerprintParts {
  /** Root-cause exception class, or '' for a log line without an exception. */
  exception: string;
  /** The normalised message. */
  message: string;
  /** Up to three application frames of the innermost cause, normalised. */
  frames: string[];
}

/** Frames that say where the JDK, Scala, RPC or Flink's runtime passed the failure along, not where it arose. */
const PLUMBING =
  /^(?:java\.|javax\.|jdk\.|sun\.|com\.sun\.|scala\.|akka\.|org\.apache\.pekko\.|kotlin\.|kotlinx\.|io\.netty\.|com\.google\.common\.util\.concurrent\.|org\.apache\.flink\.(?:runtime\.|streaming\.runtime\.|streaming\.api\.operators\.|util\.|shaded\.|core\.|api\.common\.|table\.runtime\.operators\.|client\.program\.)|org\.apache\.hadoop\.ipc\.|org\.apache\.kafka\.common\.utils\.)/;

/** Exceptions that only carry another one: when one of them is the innermost link, the record lost the real cause. */
const WRAPPER_CLASSES =
  /(?:^|\.)(?:JobExecutionException|ExecutionException|CompletionException|InvocationTargetException|UndeclaredThrowableException|ProgramInvocationException|JobException|AsynchronousException|WrappingRuntimeException|ExceptionInChainedOperatorException|JobInitializationException|SerializedThrowable)$/;

const CLASS_PREFIX = /^((?:[a-zA-Z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable))(?::\s*|\s*$)/;

/**
 * A mask is tried only when its guard holds: a cheap test of something every match needs (a digit,
 * a colon, a slash …) on the text as masked so far, so most masks skip most messages.
 */
type Guard = (t: string, digit: boolean) => boolean;
const digit: Guard = (_t, d) => d;
const has =
  (...parts: string[]): Guard =>
  (t) =>
    parts.every((p) => t.includes(p));
const digitAnd =
  (...parts: string[]): Guard =>
  (t, d) =>
    d && parts.every((p) => t.includes(p));
/** Character classes for charRun: ASCII letters and digits; hexadecimal digits (either case). */
const ALNUM = new Uint8Array(128);
const HEX = new Uint8Array(128);
for (let c = 48; c <= 57; c++) ALNUM[c] = HEX[c] = 1;
for (let c = 65; c <= 90; c++) ALNUM[c] = ALNUM[c + 32] = 1;
for (let c = 65; c <= 70; c++) HEX[c] = HEX[c + 32] = 1;

/** True when `t` has a run of at least `min` characters of `cls` (holding a digit, if `withDigit`). */
function charRun(t: string, min: number, cls: Uint8Array, withDigit: boolean): boolean {
  let run = 0;
  let digits = false;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c < 128 && cls[c] === 1) {
      run++;
      if (c <= 57) digits = true;
      if (run >= min && (digits || !withDigit)) return true;
    } else {
      run = 0;
      digits = false;
    }
  }
  return false;
}

const MASKS: Array<[RegExp, string, Guard]> = [
  [/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<time>', digitAnd('-', ':')],
  [/\b\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\b/g, '<time>', digitAnd(':')],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>', (t, d) => d && t.includes('-') && charRun(t, 8, HEX, false)],
  [/\b[a-z][a-z0-9+.-]*:\/\/[^\s'",)\]]+/gi, '<uri>', has('://')],
  [/\b[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+\b/gi, '<email>', has('@', '.')],
  // Kubernetes pod names of Flink processes: orders-taskmanager-1-3, flink-jobmanager-7d9f8-x2k4q
  [/\b[a-z0-9]+(?:-[a-z0-9]+)*-(?:taskmanager|jobmanager|taskexecutor)(?:-[a-z0-9]+)+\b/gi, '<pod>', (t) => t.includes('-') && /manager|executor/i.test(t)],
  [/(?:[A-Za-z]:)?(?:[\\/][\w.$@+~-]+){2,}[\\/]?/g, '<path>', (t) => t.includes('/') || t.includes('\\')],
  [/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, '<ip>', digitAnd('.')],
  [/\[?\b(?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{1,4}\b\]?(?::\d+)?/gi, '<ip>', digitAnd(':')],
  [/\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:com|net|org|edu|gov|internal|local|lan|corp|cloud|svc|cluster)(?::\d+)?(?![\w-]|\.[a-z0-9])/gi, '<host>', has('.')],
  [/\b[a-z0-9-]+(?:\.[a-z0-9-]+)+:\d{2,5}\b/gi, '<host:port>', digitAnd('.', ':')],
  [/\b[\w.-]+\/(?=<ip>)/g, '<host>/', has('/<ip>')],
  // TaskManager resource ids: 10.0.0.3:6122-a1b2c3
  [/(<ip>|<host>|<host:port>)-[0-9a-f]{6}\b/g, '$1-<rid>', has('>-')],
  [/\b(?:container|application|appattempt)_[\de_]+\b/g, '<container>', has('_')],
  [/\b[0-9a-f]{32}(?:_[0-9a-f]{32}_\d+_\d+)?\b/g, '<id>', (t, d) => d && charRun(t, 32, HEX, false)],
  [/\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/gi, '<hex>', (t, d) => d && charRun(t, 8, HEX, true)],
  [/\b0x[0-9a-f]+\b/gi, '<hex>', has('0x')],
  [/\(\d+\/\d+\)(?:#\d+)?/g, '(<i>/<n>)', digitAnd('/')],
  // Generated ids mixing letters and digits (request ids, random suffixes): 3fgk3u66, a3927ziu;
  // a name with a version suffix (kafka010) stays; a number with a unit (30000ms, 512MiB) is a number.
  [/\b(?!\d+[A-Za-z]{1,4}\b)(?=[A-Za-z0-9]*\d[A-Za-z])[A-Za-z0-9]{7,}\b/g, '<id>', (t, d) => d && charRun(t, 7, ALNUM, true)],
  // Digit runs not glued to a preceding letter: 12ms and taskmanager-1-3 vary, log4j and s3a stay.
  [/(?<![\w$<])\d+(?:\.\d+)?/g, '<n>', digit],
];

/**
 * Normalised messages by their digit shape (the text with every digit written as 1, but the 0 of a
 * 0x prefix); null when the normalised text kept a digit (bounded: cleared when full).
 *
 * The masks treat all ASCII digits alike (each digit class, \d, [0-9a-f], \w and \b, holds all
 * ten), except the 0 of a 0x prefix, which the shape keeps. So two texts with the same shape are
 * masked at the same places, and when the masks leave no digit their normalised texts are equal:
 * one entry serves every occurrence of a message whose numbers vary (offsets, counts, ports, ids).
 */
const byDigitShape = new Map<number, ShapeEntry[]>();
/** Entries in byDigitShape (cleared when full). */
let shapeEntries = 0;
/** Longest message (characters of its first line) that byDigitShape remembers. */
const MEMO_LONGEST = 256;
/** The byDigitShape entry found or made last for a message of each length (0 to MEMO_LONGEST). */
const lastOfLength: (ShapeEntry | undefined)[] = new Array<ShapeEntry | undefined>(MEMO_LONGEST + 1).fill(undefined);

/**
 * Normalised messages by their exact text, in front of byDigitShape: a noisy log mostly repeats a
 * few messages word for word, and a look-up by the text itself (hashed natively) costs a fraction
 * of the shape's hash and comparison, both loops over every character in JavaScript. Where the
 * messages rarely repeat exactly (an id or a count in each), each miss would cost a look-up and a
 * copy of the text for nothing: the memo judges itself every TEXT_TRIAL messages and, when under
 * half of them were found in it, is emptied and left out for the next TEXT_PAUSE messages.
 */
class TextMemo {
  readonly byText = new Map<string, string>();
  on = true;
  /** Messages asked for since the last judgement (while on), or since it was left out (while off). */
  calls = 0;
  hits = 0;

  /** Remembers a message not found (bounded: cleared when full), then judges. */
  remember(t: string, masked: string): void {
    if (this.byText.size >= TEXT_MEMO_SIZE) this.byText.clear();
    // The key is a copy: the message may be a slice of its whole record.
    this.byText.set(own(t), masked);
    this.judge();
  }

  /** Counts a message asked for while on; every TEXT_TRIAL of them, decides whether the memo stays on. */
  judge(): void {
    if (++this.calls < TEXT_TRIAL) return;
    if (this.hits * 2 < this.calls) {
      this.on = false;
      this.byText.clear();
    }
    this.calls = 0;
    this.hits = 0;
  }

  /** Counts a message asked for while off; after TEXT_PAUSE of them, the memo is tried again. */
  off(): void {
    if (++this.calls < TEXT_PAUSE) return;
    this.on = true;
    this.calls = 0;
    this.hits = 0;
  }
}
/** Texts in the exact-text memo at most. */
const TEXT_MEMO_SIZE = 4096;
/** Messages between two judgements of the exact-text memo. */
export const TEXT_TRIAL = 4096;
/** Messages the exact-text memo is left out for once judged not worth it. */
export const TEXT_PAUSE = 65_536;
const textMemo = new TextMemo();

/** Whether the exact-text memo of normaliseMessage is in use, and how many texts it holds (for tests). */
export function textMemoState(): { on: boolean; size: number } {
  return { on: textMemo.on, size: textMemo.byText.size };
}

/** A remembered message: its text (any one with this shape) and its normalised text. */
interface ShapeEntry {
  text: string;
  masked: string | null;
}

/** A digit, but not the 0 of a 0x prefix (what the shape writes as 1). */
function shapeDigit(t: string, i: number, c: number): boolean {
  if (c < 48 || c > 57) return false;
  if (c !== 48) return true;
  const n = t.charCodeAt(i + 1);
  return n !== 120 && n !== 88;
}

/**
 * A hash of the text's digit shape, computed without building the shaped text. Of 30 bits: a
 * small integer, which V8 keeps unboxed (a 32-bit one would be a heap number, allocated for each
 * message and hashed as a double by the Map).
 */
function shapeHash(t: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    h = Math.imul(h ^ (shapeDigit(t, i, c) ? 49 : c), 0x01000193);
  }
  return h >>> 2;
}

/** True when two texts have the same digit shape. */
function sameShape(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (!shapeDigit(a, i, x) || !shapeDigit(b, i, y)) return false;
  }
  // Where a 0 is followed by an x in one text only, the x meets a character other than itself
  // at the next position, which is no digit: that returned false above.
  return true;
}

/** Masks the variable parts of a message so that occurrences of one failure compare equal. */
export function normaliseMessage(text: string): string {
  // Only the start of the first line matters for grouping; long payloads are not masked in full.
  const nl = text.indexOf('\n');
  const t = (nl >= 0 ? text.slice(0, nl) : text).slice(0, 600);
  // A long message mostly carries a payload that varies beyond its digits: remembering it would
  // only fill the memo (and the old generation) with entries that are never asked for again.
  if (t.length > MEMO_LONGEST) return maskMessage(t);
  if (textMemo.on) {
    const known = textMemo.byText.get(t);
    if (known !== undefined) {
      textMemo.hits++;
      textMemo.judge();
      return known;
    }
    const masked = byShape(t);
    textMemo.remember(t, masked);
    return masked;
  }
  textMemo.off();
  return byShape(t);
}

/** normaliseMessage of a first line of at most MEMO_LONGEST characters, by the digit-shape memo. */
function byShape(t: string): string {
  // First the entry of the last message of this length: in a stretch of log most messages of one
  // length have one shape, and a comparison alone (one loop over the text) finds it.
  const guess = lastOfLength[t.length];
  if (guess !== undefined && sameShape(guess.text, t)) return guess.masked ?? maskMessage(t);
  // Then by a hash of the shape, compared character by character: no shaped copy is built for
  // the messages of a noisy log, most of which were seen before.
  const h = shapeHash(t);
  let bucket = byDigitShape.get(h);
  if (bucket !== undefined) {
    for (const k of bucket) {
      if (!sameShape(k.text, t)) continue;
      lastOfLength[t.length] = k;
      return k.masked ?? maskMessage(t);
    }
  }
  const masked = maskMessage(t);
  if (shapeEntries >= 4096) {
    byDigitShape.clear();
    lastOfLength.fill(undefined);
    shapeEntries = 0;
    bucket = undefined;
  }
  const entry: ShapeEntry = { text: own(t), masked: ANY_DIGIT_ONE.test(masked) ? null : masked };
  if (bucket === undefined) byDigitShape.set(h, [entry]);
  else bucket.push(entry);
  lastOfLength[t.length] = entry;
  shapeEntries++;
  return masked;
}

const ANY_DIGIT_ONE = /[0-9]/;

/** Applies the masks to a text (normaliseMessage passes a message's first line), then folds whitespace and caps the length; no memo. */
export function maskMessage(text: string): string {
  let t = text;
  const hasDigit = ANY_DIGIT_ONE.test(t);
  for (const [re, to, guard] of MASKS) if (guard(t, hasDigit)) t = t.replace(re, to);
  t = t.replace(/\s+/g, ' ').trim();
  if (t.length > 240) t = t.slice(0, 240).replace(/<[^>]*$/, '').trimEnd();
  return t;
}

/** Normalised frames by their text (bounded: cleared when full): a crash loop logs the same frames over and over. */
const frameMemo = new Map<string, string>();

/** Normalises a stack frame: no location, no module prefix, lambda and synthetic numbers masked. */
export function normaliseFrame(frame: string): string {
  if (frame.length > 400) return maskFrame(frame);
  let n = frameMemo.get(frame);
  if (n === undefined) {
    n = maskFrame(frame);
    if (frameMemo.size >= 8192) frameMemo.clear();
    // The key is a copy: the frame may be a slice of its whole record.
    frameMemo.set(own(frame), n);
  }
  return n;
}

function maskFrame(frame: string): string {
  return frame
    .replace(/\(.*$/, '')
    .replace(/^[\w.]*(?:@[\w.-]*)?\/{1,2}(?=[\w$])/, '')
    .replace(/\$\$Lambda(?:\$\d+)?(?:\/(?:0x)?[0-9a-f]+)?/g, '$$$$Lambda')
    .replace(/\$\d+/g, '$$<n>')
    .replace(/(GeneratedMethodAccessor|GeneratedConstructorAccessor|GeneratedSerializationConstructorAccessor)\d+/g, '$1')
    .trim();
}

/** True for a frame of the JDK, Scala, RPC libraries or Flink's runtime. */
export function isPlumbing(frame: string): boolean {
  return PLUMBING.test(frame);
}

/** True when an exception class only wraps another failure (JobExecutionException, ExecutionException …). */
export function isWrapperClass(cls: string): boolean {
  return WRAPPER_CLASSES.test(cls);
}

/** The innermost cause with a class name, else the last link. */
export function rootCause(chain: ChainLink[]): ChainLink | null {
  for (let i = chain.length - 1; i >= 0; i--) if (chain[i]!.cls && chain[i]!.kind !== 'suppressed') return chain[i]!;
  return chain[chain.length - 1] ?? null;
}

/** Frames of one link: from its first frame to the next link's. */
export function framesOf(e: LogEvent, link: ChainLink): string[] {
  const i = e.chain.indexOf(link);
  const next = e.chain.slice(i + 1).find((l) => l.firstFrame > link.firstFrame);
  return e.frames.slice(link.firstFrame, next ? next.firstFrame : e.frames.length);
}

/**
 * The exception class and raw message of the root cause. A root whose message starts with
 * another exception (`RuntimeException: com.acme.FooException: boom`, a SerializedThrowable, a
 * wrapper whose cause was cut off) stands for that inner exception.
 */
export function rootException(e: LogEvent): { cls: string; message: string } | null {
  const root = rootCause(e.chain);
  if (!root) return null;
  let cls = root.cls;
  let message = root.message;
  for (let i = 0; i < 3; i++) {
    const m = CLASS_PREFIX.exec(message.trimStart());
    if (!m) break;
    cls = m[1]!;
    message = message.trimStart().slice(m[0].length);
  }
  return { cls, message };
}

/** Fingerprint parts of an event (one without a chain: its normalised message alone). */
export function fingerprintParts(e: LogEvent): FingerprintParts {
  // A line without an exception (most of a noisy log's): its message alone, no root to look for.
  if (e.chain.length === 0) return { exception: '', message: normaliseMessage(e.message), frames: [] };
  const root = rootCause(e.chain)!;
  const ex = rootException(e)!;
  // The first three application frames of the root's own frames (normalised one by one until found).
  const app: string[] = [];
  for (const raw of framesOf(e, root)) {
    const f = normaliseFrame(raw);
    if (!isPlumbing(f)) app.push(f);
    if (app.length === 3) break;
  }
  return { exception: ex.cls, message: normaliseMessage(ex.message), frames: app };
}

/** Ids already computed, by their text (bounded: cleared when full). */
const idCache = new Map<string, string>();

/** Stable short id of fingerprint parts, e.g. `fp-3a9c1e2b7d`. */
export function fingerprintId(p: FingerprintParts): string {
  // A log line without an exception: its id by its normalised message alone (mostly one string
  // remembered by normaliseMessage, whose hash V8 keeps), not by a text built for each occurrence.
  if (p.exception === '' && p.frames.length === 0) return messageFingerprintId(p.message);
  return idOfText(`${p.exception}\n${p.message}\n${p.frames.join('\n')}`);
}

/** fingerprintId of the parts of a line without an exception: `message` alone, normalised. */
function messageFingerprintId(message: string): string {
  let id = idByMessage.get(message);
  if (id === undefined) {
    id = idOfText(`\n${message}\n`);
    if (idByMessage.size >= 10_000) idByMessage.clear();
    idByMessage.set(message, id);
  }
  return id;
}

/** Ids of messages without an exception, by the normalised message (bounded: cleared when full). */
const idByMessage = new Map<string, string>();

function idOfText(text: string): string {
  let id = idCache.get(text);
  if (id === undefined) {
    id = `fp-${createHash('sha1').update(text).digest('hex').slice(0, 10)}`;
    if (idCache.size >= 10_000) idCache.clear();
    idCache.set(text, id);
  }
  return id;
}
