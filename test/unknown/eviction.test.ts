// Unknown groups are bounded (MAX_GROUPS); past the bound the least relevant are dropped: rare,
// long unseen, never just before a failure. A failure that starts late, after a million distinct
// noise lines, is still grouped and ranked first. The time limit is a limit against hangs.

import { describe, expect, it } from 'vitest';
import { Facts } from '../../src/detect/facts.js';
import type { LogEvent } from '../../src/model.js';
import { MAX_GROUPS, UnknownCollector } from '../../src/unknown/groups.js';

/** A word of letters for `i` (numbers would be masked into one fingerprint). */
function word(i: number): string {
  let s = '';
  do {
    s += String.fromCharCode(97 + (i % 26));
    i = Math.floor(i / 26);
  } while (i > 0);
  return s;
}

function warn(message: string, timeMs: number, line: number): LogEvent {
  const time = new Date(timeMs).toISOString().slice(0, 23);
  return { sourceIndex: 0, line, time, timeMs, level: 'WARN', logger: 'com.example.Noise', thread: null, message, chain: [], frames: [], lines: [message], lineNumbers: [line], hasHeader: true } as unknown as LogEvent;
}

describe('unknown group eviction', () => {
  it('keeps a failure that starts after a million distinct noise lines, within MAX_GROUPS groups', () => {
    const c = new UnknownCollector();
    const facts = new Facts();
    facts.onFailure = (t) => c.failure(t);
    const t0 = Date.UTC(2024, 2, 11, 9);
    let line = 0;
    for (let i = 0; i < 1_000_000; i++) c.add(warn(`cache refresh skipped for region ${word(i)}`, t0 + i, ++line), 'tm.log', 'taskmanager');
    const late = t0 + 2_000_000;
    const every = 5 * 60_000;
    for (let k = 0; k < 300; k++) {
      c.add(warn('Lookup service rejected the request: quota exhausted', late + k * every, ++line), 'tm.log', 'taskmanager');
      // Each is followed by a job restart.
      facts.keep('jobs', { kind: 'transition', job: 'a'.repeat(32), name: 'orders', from: 'RUNNING', to: 'RESTARTING', time: null, timeMs: late + k * every + 500, source: 0, line: ++line, text: '', cause: null });
      // More distinct noise in between, not just before a restart.
      for (let n = 0; n < 10; n++) c.add(warn(`cache refresh skipped for region late${word(k * 10 + n)}`, late + k * every + 30_000 + n, ++line), 'tm.log', 'taskmanager');
    }
    const groups = c.finish(facts, [{ name: 'tm.log', role: 'taskmanager' } as never]);
    expect(groups.length).toBeLessThanOrEqual(MAX_GROUPS);
    expect(groups[0]!.message).toBe('Lookup service rejected the request: quota exhausted');
    expect(groups[0]!.count).toBe(300);
    expect(groups[0]!.nearFailures).toBe(300);
    expect(c.ungrouped).toBeGreaterThan(1_000_000 - MAX_GROUPS);
    expect(c.total).toBe(1_000_000 + 300 * 11);
  }, 300_000);
});
