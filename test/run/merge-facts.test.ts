// A detector's kept facts handed to another (the pipeline's worker to the calling thread, a lane
// to the merge) keep the lists a single detector would keep: the first FACT_HEAD and the latest
// FACT_TAIL facts, in the order read, and the count of those between. A crash loop writes more
// job state changes than that; the facts counted and not kept must not turn the ring of latest ones.

import { describe, expect, it } from 'vitest';
import { loadPatterns } from '../../src/detect/pattern.js';
import { detectionSetup } from '../../src/setup.js';
import { exportState, mergeState } from '../../src/run/merge.js';
import { FACT_HEAD, FACT_TAIL } from '../../src/detect/facts.js';
import { buildEvent } from '../../src/parse/event.js';

const JOB = '5e1c0a9b7d3f2e4c6a8b0d1f3e5a7c9b';

describe('merging kept facts', () => {
  it('keeps the first and latest job state changes in order, as one detector does', () => {
    const setup = detectionSetup(loadPatterns());
    const one = setup.detector();
    const src = one.addSource('jm.log', 'log', false);
    const n = FACT_HEAD + FACT_TAIL + 3_456;
    for (let i = 0; i < n; i++) {
      const s = String(i % 60).padStart(2, '0');
      const line = `2024-03-11 09:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${s},000 INFO  org.apache.flink.runtime.executiongraph.ExecutionGraph [] - Job orders (${JOB}) switched from state RUNNING to RESTARTING.`;
      one.event(buildEvent(src, i + 1, [line]), null);
    }
    // Handed over as the pipeline's worker hands its detector's state to the calling thread.
    const state = exportState(one, []);
    const other = setup.detector();
    mergeState(other, state, null, 0);
    other.facts.settle();
    one.facts.settle();
    expect(other.facts.omitted.jobs).toBe(3_456);
    expect(other.facts.jobs.map((j) => j.line)).toEqual(one.facts.jobs.map((j) => j.line));
    expect(other.facts.jobs[FACT_HEAD]!.line).toBe(FACT_HEAD + 3_456 + 1);
  });
});
