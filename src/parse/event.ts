// Event assembly: turns the lines of one record (header + continuation lines) into a LogEvent
// with its exception chain and frames. Finding where a record starts and ends in a byte buffer
// is the scanner's job (scan/scanner.ts); matching events against patterns is detect/'s.

import type { ChainLink, LogEvent } from '../model.js';
import { parseHeader, splitExceptionLine, stripContainerPrefix } from './line.js';

const FLAT_SPLIT = /\s+(?=(?:at [\w$.<>/]+\(|Caused by: |Suppressed: |\.\.\. \d+ more\b))/;
const FLAT_HINT = /\s(?:at [\w$.]+\(|Caused by: )/;

/**
 * Splits a stack trace that was flattened onto one line (as pasted into tickets or some layouts)
 * into its logical lines. Lines without two or more frame / cause markers are returned as is.
 */
export function unflatten(text: string): string[] {
  // Records from JSON layouts keep their logical lines on one physical line (input/json-log.ts).
  if (text.includes('\u2028')) return text.split('\u2028').flatMap((part, i) => (i === 0 ? [part] : unflatten(part)));
  if (!mayBeFlattened(text)) return [text];
  const parts = text.split(FLAT_SPLIT);
  if (parts.length < 2) return [text];
  return parts.map((p, i) => (i === 0 ? p : '\t' + p.trim()));
}

/** False when unflatten(text) is [text] for certain (most lines): no JSON line separator, no flattened trace. */
function mayBeFlattened(text: string): boolean {
  if (text.includes('\u2028')) return true;
  // An indented line is already a frame or continuation line.
  const c = text.charCodeAt(0);
  if (text.length < 60 || c === 9 || c === 32) return false;
  // A frame needs its `(`, a cause its `Caused by: `: looking for those first is cheaper than the regex.
  return (text.includes('(') || text.includes('Caused by: ')) && FLAT_HINT.test(text);
}

const INLINE_EXCEPTION = /(?:^|[\s:(])((?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable)(?::\s.*|\s.*|$))/;
const FAILURE_CAUSE = /(?: with failure cause: | switched from \w+ to \w+\.? ?(?:Reason: )?)((?:[a-zA-Z_$][\w$]*\.)+[A-Z][\w$]*(?::.*)?)$/;

/** An exception class written inside a line of prose: `… from xx java.nio.file.FileSystemException xx …`. */
function inlineException(text: string): { cls: string; message: string } | null {
  if (!qualifiedWord(text, 'Exception') && !qualifiedWord(text, 'Error') && !qualifiedWord(text, 'Throwable')) return null;
  const m = INLINE_EXCEPTION.exec(text);
  if (!m) return null;
  const cls = /^[\w$.]+/.exec(m[1]!)![0];
  return { cls, message: m[1]!.slice(cls.length).replace(/^:?\s*/, '') };
}

/**
 * True when `word` occurs in `text` inside a name that follows a dot (`….IOException`,
 * `….ErrorHandlerException`): what INLINE_EXCEPTION needs, a class name with its package. Prose
 * such as `Error while fetching metadata` has the word without the dot, and is passed over
 * without the regex, which tries every position of the line.
 */
function qualifiedWord(text: string, word: string): boolean {
  // Each occurrence walks back to the start of its name, but not past the previous occurrence:
  // reaching it means the same name, whose start was looked at already (linear on a line that is
  // one long name of repeated words).
  let stop = 0;
  for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + word.length)) {
    let j = i;
    while (j > stop && isNameChar(text.charCodeAt(j - 1))) j--;
    if (j > stop && text.charCodeAt(j - 1) === 46 /* . */) return true;
    stop = i;
  }
  return false;
}

/** `[\w$]`: a letter, digit, `_` or `$`. */
function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36;
}

/** `kubectl logs --prefix`: `[pod/<pod>/<container>] `. */
const POD = /^\[pod\/([^/\]\s]+)(?:\/([^\]\s]+))?\] /;

const BARE_CLASS = /^([A-Z][\w$]*(?:Exception|Error)): (.*)$/;

/** An exception class without its package at the start of a pasted line: `RocksDBException: …`. */
function bareException(text: string): { cls: string; message: string } | null {
  const m = BARE_CLASS.exec(text.slice(0, 4096));
  return m ? { cls: m[1]!, message: m[2]! } : null;
}

/**
 * A wrapper exception built from its cause carries the cause's `toString()` as its message
 * (`CompletionException: org.…NoResourceAvailableException: Could not acquire …`): the cause is
 * added to the chain after the wrapper, on the same line, so that `exception` conditions and the
 * unknown groups see it when the trace has no `Caused by:` line for it (a cut or flattened paste).
 */
function withWrappedCauses(chain: ChainLink[]): void {
  for (let i = 0; i < chain.length; i++) {
    const link = chain[i]!;
    const inner = link.message.startsWith(' ') || link.message.length === 0 ? null : splitExceptionLine(link.message.slice(0, 4096));
    if (!inner || inner.cls === link.cls) continue;
    if (chain[i + 1]?.cls === inner.cls) continue; // the trace names it with Caused by: already
    const whole = link.message.length > 4096 ? link.message.slice(inner.cls.length).replace(/^:\s?/, '') : inner.message;
    chain.splice(i + 1, 0, { cls: inner.cls, message: whole, line: link.line, kind: 'caused-by', firstFrame: link.firstFrame });
    if (chain.length > 64) return;
  }
}

/**
 * Builds an event from raw lines (CR already removed) whose first line is `firstLine` (1-based).
 */
export function buildEvent(sourceIndex: number, firstLine: number, rawLines: string[]): LogEvent {
  let lines: string[];
  let lineNos: number[];
  const one = rawLines.length === 1 ? stripContainerPrefix(rawLines[0]!) : null;
  if (one !== null && !mayBeFlattened(one)) {
    // A record of one line (most of them): arrays of its size, not the 17 slots a first push makes.
    lines = [one];
    lineNos = [firstLine];
  } else {
    lines = [];
    lineNos = [];
    for (let i = 0; i < rawLines.length; i++) {
      const text = one ?? stripContainerPrefix(rawLines[i]!);
      if (mayBeFlattened(text)) {
        for (const part of unflatten(text)) {
          lines.push(part);
          lineNos.push(firstLine + i);
        }
      } else {
        lines.push(text);
        lineNos.push(firstLine + i);
      }
    }
  }
  const first = lines[0] ?? '';
  const pod = rawLines[0] !== undefined && rawLines[0].startsWith('[pod/') ? POD.exec(rawLines[0]) : null;
  const header = parseHeader(first);
  const chain: ChainLink[] = [];
  const frames: string[] = [];
  let message: string;
  if (header) {
    message = header.message;
    // Task lines of 1.13–1.16 carry the whole stringified stack inside the message.
    // (Substrings without their leading space: V8 finds them several times faster.)
    const fc = message.includes('failure cause: ') || message.includes('switched from ') ? FAILURE_CAUSE.exec(message) : null;
    if (fc) {
      const ex = splitExceptionLine(fc[1]!);
      if (ex) chain.push({ cls: ex.cls, message: ex.message, line: firstLine, kind: 'exception', firstFrame: 0 });
    } else {
      // An exception written inline after the message, e.g. `… - Job failed: java.io.IOException: …`.
      const ex = inlineException(message);
      if (ex) chain.push({ cls: ex.cls, message: ex.message, line: firstLine, kind: 'exception', firstFrame: 0 });
    }
  } else {
    message = first.trim();
    const body = message.replace(/^Exception in thread "[^"]*" /, '').replace(/^(?:Caused by|Suppressed):\s*/, '');
    const ex = splitExceptionLine(body) ?? inlineException(body) ?? bareException(body);
    if (ex) chain.push({ cls: ex.cls, message: ex.message, line: firstLine, kind: message.startsWith('Caused by') ? 'caused-by' : 'exception', firstFrame: 0 });
    // A fragment that starts inside a trace: its first line is a frame of the cut-off exception.
    else if (message.startsWith('at ') && /^at [\w$.<>/]+\(/.test(message)) frames.push(message.slice(3));
  }
  // (Not chain[chain.length - 1]: reading index -1 of an empty array is a slow property lookup.)
  let last: ChainLink | null = chain.length > 0 ? chain[chain.length - 1]! : null;
  for (let i = 1; i < lines.length; i++) {
    const t = lines[i]!.trim();
    if (t.length === 0) continue;
    if (t.startsWith('at ')) {
      frames.push(t.slice(3));
      last = null;
      continue;
    }
    if (t.startsWith('... ') && /^\.\.\. \d+/.test(t)) continue;
    let kind: ChainLink['kind'] = 'exception';
    // An uncaught exception printed by the JVM inside another record: `Exception in thread "x" java.…`.
    let body = t.startsWith('Exception in thread "') ? t.replace(/^Exception in thread "[^"]{0,512}" /, '') : t;
    if (t.startsWith('Caused by:')) {
      kind = 'caused-by';
      body = t.slice(10).trim();
    } else if (t.startsWith('Suppressed:')) {
      kind = 'suppressed';
      body = t.slice(11).trim();
    }
    const ex = splitExceptionLine(body);
    if (ex || kind !== 'exception') {
      last = { cls: ex?.cls ?? '', message: ex?.message ?? body, line: lineNos[i]!, kind, firstFrame: frames.length };
      chain.push(last);
    } else if (last) {
      // A message that continues on the next line (multi-line exception messages, re-wrapped text);
      // an exception line that ends at its colon has its message on the next line.
      last.message = last.message.length === 0 ? t : last.message + '\n' + t;
    } else if (chain.length === 0) {
      // A header message that continues on the next line.
      message += '\n' + t;
    }
  }
  if (chain.length > 0) withWrappedCauses(chain);
  const event: LogEvent = {
    sourceIndex,
    line: firstLine,
    time: header?.time ?? null,
    timeMs: header?.timeMs ?? null,
    level: header?.level ?? null,
    logger: header?.logger ?? null,
    thread: header?.thread ?? null,
    message,
    hasHeader: header !== null,
    chain,
    frames,
    lines,
    lineNumbers: lineNos,
  };
  if (pod) event.pod = { name: pod[1]!, container: pod[2] ?? null };
  return event;
}

