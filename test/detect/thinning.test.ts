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

describe('SignalThinning, merged in task order', () => {
  const at = (minute: number, ms: number, identity: Identity = { job: 'j0' }): Signal => ({ ...sig(identity, e.timeMs! + minute * 60_000 + ms), line: minute * 100_000 + ms });

  /** Kept signals, the latest handed back, and the tallies: of one thinning fed `all`, and of tasks merged as a lane's results are (Detector.absorbSignals). */
  function oneAndMerged(all: Signal[], cut: number): { one: unknown; merged: unknown } {
    const t = new SignalThinning();
    const keptOne = all.filter((s) => t.keep(s));
    const latestOne: Signal[] = [];
    const talliesOne = t.finish((s) => latestOne.push(s));
    const merged = new SignalThinning();
    const keptMerged: Signal[] = [];
    let events = 0;
    for (const part of [all.slice(0, cut), all.slice(cut)]) {
      const task = new SignalThinning();
      const kept = part.filter((s) => task.keep(s));
      const { tallies, latest } = task.handOver();
      for (const s of kept) if (merged.keep(s)) keptMerged.push(s);
      for (const [id, x] of tallies) {
        events += x.events;
        merged.noteCheckpoints(id, x.checkpoints);
      }
      for (const s of latest) merged.offerLatest(s);
    }
    const latestMerged: Signal[] = [];
    for (const x of merged.finish((s) => latestMerged.push(s)).values()) events += x.events;
    return { one: { kept: keptOne, latest: latestOne, events: talliesOne.get('p')?.events ?? 0 }, merged: { kept: keptMerged, latest: latestMerged, events } };
  }

  it('keeps what one thinning keeps when a task ends with a signal not kept before one of a new minute', () => {
    // Task 1: the first signals, one not kept in minute 0, then the first of minute 1 (kept);
    // task 2 goes on in minute 1. A task's latest not kept merged in among its kept signals
    // would stand after the minute-1 one and be kept as the first of a new minute, and the
    // next task's first signal of minute 1 with it.
    const all = [...Array.from({ length: KEPT_SIGNALS }, (_, i) => at(0, i)), at(0, 5_000), at(1, 0), at(1, 10), at(1, 20), at(1, 30)];
    const { one, merged } = oneAndMerged(all, KEPT_SIGNALS + 2);
    expect(merged).toEqual(one);
    expect((one as { kept: Signal[] }).kept).toHaveLength(KEPT_SIGNALS + 1);
    expect((one as { latest: Signal[] }).latest).toEqual([at(1, 30)]);
  });

  it('hands back the latest signal not kept of all the tasks, by time, then by line within a source', () => {
    const all = [...Array.from({ length: KEPT_SIGNALS }, (_, i) => at(0, i)), at(0, 5_000), at(0, 7_000), at(0, 6_000), at(0, 6_500)];
    for (const cut of [KEPT_SIGNALS + 1, KEPT_SIGNALS + 2, KEPT_SIGNALS + 3]) {
      const { one, merged } = oneAndMerged(all, cut);
      expect(merged).toEqual(one);
      expect((merged as { latest: Signal[] }).latest).toEqual([at(0, 7_000)]);
    }
    // Two signals of one millisecond: the later line is the latest, in whichever task it was read.
    const tie = [...Array.from({ length: KEPT_SIGNALS }, (_, i) => at(0, i)), { ...at(0, 5_000), line: 7 }, { ...at(0, 5_000), line: 8 }];
    const { one, merged } = oneAndMerged(tie, KEPT_SIGNALS + 1);
    expect(merged).toEqual(one);
    expect((merged as { latest: Signal[] }).latest[0]!.line).toBe(8);
  });
});
