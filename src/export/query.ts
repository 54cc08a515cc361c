// What of a pattern a log platform's query language can hold: the literals every match contains
// (one of them, on one line) and, where the condition is a single-line regex, a line regex that
// accepts at least every line the pattern accepts (anchors and lookarounds relaxed away, named
// groups unnamed, \uXXXX written as \x{XXXX}). The platform's engine runs this first filter;
// flink-doctor confirms and correlates its hits. Each dialect's printer is its own module.

import type { Condition, Pattern } from '../detect/pattern-spec.js';
import { literalsOfRegex, score } from '../detect/literals.js';

/** A pattern as a single-line filter, with what the filter leaves out. */
export interface LineQuery {
  pattern: Pattern;
  /** Every line the pattern matches on contains one of these (null: none known). */
  literals: string[] | null;
  /** A regex (RE2/PCRE common subset) every matching line matches; null when the condition has none on one line. */
  regex: string | null;
  /** What the query cannot express, in words. */
  notExpressed: string[];
}

/** Builds the line query of a pattern. */
export function lineQuery(p: Pattern): LineQuery {
  const notExpressed: string[] = [];
  let literals: string[] | null = null;
  let regex: string | null = null;
  if (!p.match) notExpressed.push(`the pattern is a check over the configuration (${p.check ?? p.analysis ?? 'no message condition'}), not a log line`);
  else if (JSON.stringify(p.match).includes('flink-doctor\\\\.live')) notExpressed.push('the pattern matches what flink-doctor observes in a cluster\'s REST API (a live check), which no log holds');
  else {
    const f = lineFilter(p.match);
    literals = f.literals && f.literals.length > 0 ? f.literals : null;
    regex = f.regex;
    notExpressed.push(...new Set(f.notes));
    if (!literals) notExpressed.push('no literal text a matching line must contain');
  }
  notExpressed.push('correlation: the checkpoints, jobs, tasks, hosts and configuration a finding is tied to, its cause and fix, come from flink-doctor reading the hits');
  return { pattern: p, literals, regex, notExpressed };
}

interface LineFilter {
  /** One of these is on the line (null: unknown). */
  literals: string[] | null;
  /** The line matches this (null: none). */
  regex: string | null;
  notes: string[];
}

/**
 * A filter one line of every matching event passes: its literals and its regex hold on the same
 * line, so a platform may require both of one line.
 */
function lineFilter(c: Condition): LineFilter {
  if ('message' in c || 'text' in c || 'header' in c) {
    const src = 'message' in c ? c.message : 'text' in c ? c.text : c.header;
    const r = lineRegex(src);
    return { literals: literalsOfRegex(src), regex: r.regex, notes: r.notes };
  }
  if ('exception' in c) return { literals: literalsOfRegex(c.exception), regex: null, notes: ['the exception class test: it is made on the parsed chain of causes of an event'] };
  if ('frame' in c) return { literals: literalsOfRegex(c.frame), regex: null, notes: ['multi-line: the stack frames of an event'] };
  if ('logger' in c) return { literals: literalsOfRegex(c.logger), regex: null, notes: ['the logger name of the parsed event'] };
  if ('level' in c) return { literals: null, regex: null, notes: ['the level of the parsed event'] };
  if ('not' in c) return { literals: null, regex: null, notes: ['a condition that must not hold on the event'] };
  if ('any' in c) {
    const parts = c.any.map(lineFilter);
    const notes = parts.flatMap((x) => x.notes);
    const literals = parts.some((x) => !x.literals || x.literals.length === 0) ? null : [...new Set(parts.flatMap((x) => x.literals!))];
    if (parts.some((x) => x.regex === null)) {
      if (parts.some((x) => x.regex !== null)) notes.push('the regex of some alternatives: another alternative has none, so the filter keeps to the literals');
      return { literals, regex: null, notes };
    }
    return { literals, regex: parts.map((x) => `(?:${x.regex})`).join('|'), notes };
  }
  // all: every part holds on the event, maybe on different lines: the filter keeps to one part.
  const parts = c.all.map(lineFilter);
  const rank = (x: LineFilter): number => (x.literals && x.literals.length > 0 ? 1000 + score(x.literals) : 0) + (x.regex ? 500 : 0);
  const best = parts.reduce((a, b) => (rank(b) > rank(a) ? b : a));
  const notes = parts.flatMap((x) => x.notes);
  if (parts.length > 1) notes.push('multi-line: the other conditions on the same event (its header, message, exception chain, frames) are checked by flink-doctor');
  return { literals: best.literals, regex: best.regex, notes };
}

/**
 * A JavaScript regex source as a line regex in the subset RE2 (Loki) and PCRE (Sigma backends)
 * share, relaxed so that it accepts at least what the original accepts: ^ and $ dropped (the
 * original runs in multi-line mode on a message, not on the whole line), lookarounds dropped,
 * named groups made non-capturing. Back-references cannot be relaxed: null.
 */
export function lineRegex(src: string): { regex: string | null; notes: string[] } {
  const notes: string[] = [];
  let out = '';
  let inClass = false;
  let relaxedAnchors = false;
  let relaxedLookaround = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const d = src[i + 1] ?? '';
      if (/[1-9]/.test(d) || d === 'k') return { regex: null, notes: ['a back-reference, which line-filter regex engines lack'] };
      if (d === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(i + 2, i + 6))) {
        out += `\\x{${src.slice(i + 2, i + 6)}}`;
        i += 5;
        continue;
      }
      if (d === 'c' || d === 'p' || d === 'P') return { regex: null, notes: [`the escape \\${d}, which the line-filter engines read differently`] };
      out += c + d;
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (src[i + 1] === '^') {
        out += '^';
        i++;
      }
      if (src[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '^' || c === '$') {
      relaxedAnchors = true;
      continue;
    }
    if (c === '(' && src[i + 1] === '?') {
      const rest = src.slice(i + 2, i + 4);
      if (rest.startsWith('=') || rest.startsWith('!') || rest === '<=' || rest === '<!') {
        // A lookaround only narrows a match: drop it whole.
        const end = groupEnd(src, i);
        if (end < 0) return { regex: null, notes: ['an unbalanced group'] };
        relaxedLookaround = true;
        i = end;
        continue;
      }
      if (rest.startsWith('<')) {
        const close = src.indexOf('>', i + 3);
        if (close < 0) return { regex: null, notes: ['an unbalanced named group'] };
        out += '(?:';
        i = close;
        continue;
      }
    }
    out += c;
  }
  if (relaxedAnchors) notes.push('line anchors (^, $) of the message are relaxed: the line filter also accepts the text elsewhere on a line');
  if (relaxedLookaround) notes.push('lookarounds are relaxed: the line filter accepts more than the pattern');
  // A regex that now matches the empty string filters nothing.
  let empty = false;
  try {
    empty = new RegExp(out).test('');
  } catch {
    return { regex: null, notes: ['a regex that did not survive translation'] };
  }
  if (empty) return { regex: null, notes: [...notes, 'the relaxed regex would match every line'] };
  return { regex: out, notes };
}

/** Index of the ')' closing the group opened at src[open]. */
function groupEnd(src: string, open: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** A literal as a regex that matches it exactly (RE2's QuoteMeta). */
export function quoteRegex(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
