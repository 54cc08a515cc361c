// Every built-in pattern runs in time linear in the line: hostile lines are built from each
// regex's own literal words, repeated with the separators log messages use, and each regex (and
// each whole pattern, through event parsing and the matching layer) is run on lines of n and
// 4n characters (the growth must look linear) and of 128 KiB (the time must stay small). The limits are generous bounds that tell linear from quadratic or worse; the
// benchmark (`npm run bench`) is what measures speed.

import { describe, expect, it } from 'vitest';
import { loadPatterns } from '../../src/detect/pattern.js';
import { patternRegexes } from '../../src/detect/pattern-spec.js';
import { buildEvent } from '../../src/parse/event.js';

const patterns = loadPatterns().filter((p) => p.match);

/** The runs of literal characters in a regex source (two characters or more). */
export function literalRuns(src: string): string[] {
  const runs: string[] = [];
  let run = '';
  const flush = (): void => {
    if (run.length >= 2) runs.push(run);
    run = '';
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const e = src[i + 1] ?? '';
      i++;
      if (/[dDwWsSbBnrtfv0-9pPuxck]/.test(e)) flush();
      else run += e;
    } else if (c === '[') {
      flush();
      while (i < src.length && src[i] !== ']') i += src[i] === '\\' ? 2 : 1;
    } else if (c === '(') {
      flush();
      if (src[i + 1] === '?') {
        i++;
        if (src[i + 1] === '<' && src[i + 2] !== '=' && src[i + 2] !== '!') i = src.indexOf('>', i);
        else i++;
      }
    } else if ('?*+{'.includes(c)) {
      // The quantified character may be absent or repeated: the run ends before it.
      run = run.slice(0, -1);
      flush();
      if (c === '{') i = src.indexOf('}', i);
    } else if (')|.^$'.includes(c)) flush();
    else run += c;
  }
  flush();
  return [...new Set(runs)];
}

const SEPARATORS = [': ', ' ', '', '/', ' (', '] ', '\t', '"', ':', '/chk-1/'];

/** Units of hostile text: the regex's words joined and repeated with each separator. */
function units(src: string): string[] {
  const runs = literalRuns(src);
  const out = new Set<string>();
  for (const sep of SEPARATORS) {
    if (runs.length > 0) out.add(runs.join(sep) + sep);
    for (const r of runs) out.add(r + sep);
  }
  out.add('while link file to /a/chk-1/x.sst: /b/x.sst: ');
  return [...out];
}

function line(unit: string, chars: number): string {
  return unit.repeat(Math.max(1, Math.ceil(chars / unit.length)));
}

function timed(f: () => unknown): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}

/** The fastest of `n` runs (the first runs of a regex on a new text also compile and warm it). */
function fastest(n: number, f: () => unknown): number {
  let best = Infinity;
  for (let i = 0; i < n; i++) best = Math.min(best, timed(f));
  return best;
}

const SHORT = 8 * 1024;
const LONG = 4 * SHORT;
/** A line long enough that quadratic work shows in absolute time (about half a second or more). */
const HUGE = 128 * 1024;
/**
 * Bounds, not measurements. The time on the 128 KiB line is compared with that of a yardstick
 * regex run on the same line on the same machine at the same moment: `[^\n]{0,1024}Z` tries
 * every position and reads up to 1024 characters from each, the most a regex with bounded
 * repetition may do (linear, with a factor 1024). Quadratic work on this line is some 60 times
 * more; a regex may take at most three times the yardstick.
 */
const YARDSTICK = /[^\n]{0,1024}Z/;
/**
 * Linear work grows 4x from the short to the long line, quadratic 16x, cubic 64x. V8's per-step
 * cost itself rises with the length of the subject string and the machine may be busy, so the
 * growth bound only catches cubic work; the yardstick catches quadratic work.
 */
const GROWTH = 40;

describe('built-in patterns run in linear time on hostile lines built from their own words', () => {
  for (const p of patterns) {
    it(p.id, () => {
      const plain = 'while link file to /a/b/c.sst '.repeat(HUGE / 30);
      const yardstick = (): number => 3 * fastest(2, () => YARDSTICK.exec(plain)) + 20;
      /** What is slow of one regex on lines of one unit, against the yardstick's `limit`. */
      const check = (re: RegExp, src: string, u: string, limit: number): string[] => {
        const slow: string[] = [];
        const short = line(u, SHORT);
        const long = line(u, LONG);
        const huge = line(u, HUGE);
        const a = fastest(3, () => re.exec(short));
        if (a > limit) {
          // Already slow on the short line: the long one could run for hours.
          return [`${src.slice(0, 60)} on ${JSON.stringify(u.slice(0, 50))}: ${a.toFixed(1)} ms on ${SHORT} characters`];
        }
        const b = fastest(3, () => re.exec(long));
        if (b > GROWTH * a + 5) slow.push(`${src.slice(0, 60)} on ${JSON.stringify(u.slice(0, 50))}: ${a.toFixed(2)} ms → ${b.toFixed(2)} ms`);
        const c = b > limit ? b : fastest(2, () => re.exec(huge));
        if (c > limit) slow.push(`${src.slice(0, 60)} on ${JSON.stringify(u.slice(0, 50))}: ${c.toFixed(1)} ms on ${HUGE} characters (limit ${limit.toFixed(1)} ms)`);
        // The whole pattern: event parsing, normalisation and every condition.
        const t = timed(() => p.matches(buildEvent(0, 1, [huge]), null));
        if (t > 2 * limit) slow.push(`pattern on ${JSON.stringify(u.slice(0, 50))}: ${t.toFixed(1)} ms`);
        return slow;
      };
      const slow: string[] = [];
      const limit = yardstick();
      for (const src of patternRegexes(p)) {
        const re = new RegExp(src, 'm');
        for (const u of units(src)) {
          // A busy machine can stall one measurement: what is slow is measured again, with the
          // yardstick too, and only what is slow both times counts (super-linear work is slow
          // every time).
          if (check(re, src, u, limit).length > 0) slow.push(...check(re, src, u, yardstick()));
        }
      }
      expect(slow).toEqual([]);
    }, 120_000);
  }

  it('the flattened ticket paste of a hard-link error repeated 500 times (22 KB) is read in well under a second', () => {
    const text = 'while link file to /a/chk-1/x.sst: /b/x.sst: '.repeat(500);
    for (const p of patterns) {
      const t = timed(() => p.matches(buildEvent(0, 1, [text]), null));
      expect(t, p.id).toBeLessThan(1000);
    }
  });

  it('builds its hostile words from the regex source', () => {
    expect(literalRuns('while link file to (?<target>[^\\n]+?): (?<errno>Not supported|Operation not supported)\\s*$')).toEqual(['while link file to ', ': ', 'Not supported', 'Operation not supported']);
  });
});
