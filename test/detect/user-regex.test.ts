// User patterns are untrusted: regexes that backtrack in exponential or polynomial time of
// degree three or more are refused at load with the file and the field named; quadratic ones
// (most regexes with an unanchored repetition) run on a bounded part of each text. The time
// limits are limits against hangs, not measurements.

import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PATTERN_DIR, loadPatternFile } from '../../src/detect/pattern.js';
import { QUADRATIC_MAX_TEXT } from '../../src/detect/pattern-compile.js';
import type { LogEvent } from '../../src/model.js';
import { tempDir } from '../helpers.js';

function patternFile(dir: string, id: string, condition: string): string {
  const file = join(dir, `${id}.yaml`);
  writeFileSync(file, [`id: ${id}`, 'title: A user pattern', 'severity: error', 'area: custom', `match:\n${condition}`, 'summary: s', 'cause: c', 'remediation: r', 'verify: v', 'references: [https://example.org]'].join('\n'));
  return file;
}

function event(message: string): LogEvent {
  return { sourceIndex: 0, line: 1, time: null, timeMs: null, level: 'ERROR', logger: 'x.Y', thread: null, message, chain: [], frames: [], lines: [message], lineNumbers: [1], hasHeader: true } as unknown as LogEvent;
}

describe('user pattern regexes', () => {
  it.each([
    ['poly-dots', "  message: '.*a.*a.*a.*a.*X'", 'match.message'],
    ['poly-spaces', "  all:\n    - level: [ERROR]\n    - text: '\\s*\\s*\\s*\\s*$'", 'match.all.1.text'],
    ['poly-group', "  any:\n    - message: 'nothing'\n    - message: '(.*?,){11}P'", 'match.any.1.message'],
  ])('refuses %s (polynomial backtracking), naming the file and the field', (id, condition, field) => {
    const dir = tempDir();
    const file = patternFile(dir, id, condition);
    expect(() => loadPatternFile(file, { untrusted: true })).toThrow(new RegExp(`${id}\\.yaml: ${field.replace(/\./g, '\\.')}: regular expression backtracks in polynomial time of degree \\d+`));
  }, 60_000);

  it('keeps a quadratic regex, run on a bounded part of each text: a 20 KB line stays fast', () => {
    const dir = tempDir();
    const p = loadPatternFile(patternFile(dir, 'timeout-ms', "  message: '(?<ms>\\d+) ms to wait'"), { untrusted: true });
    expect(p.matches(event('Timed out after 3000 ms to wait'), null)?.fields.ms).toBe('3000');
    const hostile = event('1'.repeat(20_000));
    const t = Date.now();
    expect(p.matches(hostile, null)).toBeNull();
    expect(Date.now() - t, 'a limit against hangs').toBeLessThan(5_000);
    // A match past the bound is not seen (the price of the bound).
    expect(p.matches(event('x'.repeat(QUADRATIC_MAX_TEXT) + ' 1 ms to wait'), null)).toBeNull();
  }, 60_000);

  it('does not bound linear regexes, nor the built-in patterns', () => {
    const dir = tempDir();
    const p = loadPatternFile(patternFile(dir, 'linear', "  message: '^(?<what>\\S+) failed: '"), { untrusted: true });
    expect(p.matches(event('x'.repeat(QUADRATIC_MAX_TEXT * 2) + ' failed: now'), null)?.fields.what).toBe('x'.repeat(QUADRATIC_MAX_TEXT * 2));
  }, 60_000);

  it('takes a copy of a built-in pattern as the built-in one: its regexes were checked with the built-in patterns', () => {
    // cdc-binlog-unavailable's first regex is polynomial of degree 4 to the checker (a bounded lazy repetition), which
    // a new user regex may not be; a copy of the pattern (a user changing its texts) keeps it.
    const dir = tempDir();
    const file = join(dir, 'cdc-binlog-unavailable.yaml');
    copyFileSync(join(BUILTIN_PATTERN_DIR, 'cdc', 'cdc-binlog-unavailable.yaml'), file);
    const p = loadPatternFile(file, { untrusted: true });
    expect(p.matches(event("The connector is trying to read binlog starting at GTIDs 3E11FA47:1-57, but this is no longer available on the server."), null)?.fields.position).toBe('GTIDs 3E11FA47:1-57');
    // The same regex changed by one character is a new regex, checked as such.
    writeFileSync(file, readFileSync(file, 'utf8').replace('(?<position>[^\\n]{0,1000}?),? but this', '(?<position>[^\\n]{0,1000}?),? but that'));
    expect(() => loadPatternFile(file, { untrusted: true })).toThrow(/backtracks in polynomial time of degree/);
  }, 120_000);
});
