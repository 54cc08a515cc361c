// Which signals of a pattern a scan keeps (detect/thinning.ts): the first KEPT_SIGNALS all, then
// those that bring a new job, task or host, a new minute or (up to IDENTITY_SIGNALS) a new
// checkpoint; the others are tallied, the latest of them handed back when the scan is done.

import { describe, expect, it } from 'vitest';
import type { Identity, Signal } from '../../src/model.js';
import { buildEvent } from '../../src/parse/event.js';
import { KEPT_SIGNALS, SignalThinning } from '../../src/detect/thinning.js';

const e = buildEvent(0, 1, ['2024-05-01 10:00:00,000 WARN  org.apache.kafka.clients.NetworkClient [] - x']);
const sig = (identity: Identity, timeMs: number | null = e.timeMs): Signal => ({ patternId: 'p', event: { ...e, timeMs }, fields: {}, identity, line: 1, text: 'x' });

describe('SignalThinning', () => {
  it('past the first signals keeps a new job, task or host each once, and tallies the rest', () => {
    const t = new SignalThinning();
    for (let i = 0; i < KEPT_SIGNALS; i++) expect(t.keep(sig({ job: 'j0' }))).toBe(true);
    expect(t.keep(sig({ job: 'j0' }))).toBe(false);
    expect(t.keep(sig({ job: 'j1' }))).toBe(true);
    expect(t.keep(sig({ job: 'j1', task: 'T (1/2)' }))).toBe(true);
    expect(t.keep(sig({ job: 'j1', task: 'T (1/2)', host: 'h1' }))).toBe(true);
    // Each name is new once, in whichever field it comes.
    expect(t.keep(sig({ host: 'j1' }))).toBe(false);
    expect(t.keep(sig({ job: 'j1', task: 'T (1/2)', host: 'h1' }))).toBe(false);
    // A new minute is kept; a new checkpoint too, and its id tallied when not kept.
    expect(t.keep(sig({}, e.timeMs! + 60_000))).toBe(true);
    expect(t.keep(sig({ checkpoint: 7 }, e.timeMs! + 60_000))).toBe(true);
    const last = sig({ job: 'j0' }, e.timeMs! + 60_001);
    expect(t.keep(last)).toBe(false);
    const kept: Signal[] = [];
    const tallies = t.finish((s) => kept.push(s));
    expect(kept).toEqual([last]);
    expect(tallies.get('p')).toEqual({ events: 3, checkpoints: [] });
  });
});
