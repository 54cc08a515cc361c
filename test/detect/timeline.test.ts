// The checkpoint timeline of a long log: a job keeps its latest 1,000 checkpoints one by one and
// of the older ones the first 5,000 that did not complete; older completed ones are folded into
// runs of consecutive ids (the first 5,000 runs kept), the rest counted by state, so memory does
// not grow with the log. What findings say (the last completed checkpoint before
// the failures) and what reports show (runs as one row) come out right from the folded form.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CheckpointTimeline, KEEP, OLD_KEPT, type CheckpointUpdate } from '../../src/detect/timeline.js';
import { diagnosePaths } from '../../src/diagnose.js';
import { mergeTimeline } from '../../src/run/merge.js';
import { timelineText } from '../../src/report/timeline.js';
import { Facts } from '../../src/detect/facts.js';
import { buildTimeline, jobSummaries } from '../../src/correlate/jobs.js';
import { renderJson } from '../../src/report/json.js';
import { tempDir } from '../helpers.js';

const JOB = '5e1c0a9b7d3f2e4c6a8b0d1f3e5a7c9b';
const at = (id: number): string => new Date(Date.UTC(2024, 2, 11, 9, 0, 0) + id * 10_000).toISOString().slice(0, 23);

function fill(t: CheckpointTimeline, ids: number[], failed: Set<number>): void {
  for (const id of ids) {
    t.add(JOB, { kind: 'triggered', id, time: at(id), source: 0, line: 2 * id });
    const u: CheckpointUpdate = failed.has(id)
      ? { kind: 'declined', id, time: at(id), source: 0, line: 2 * id + 1, reason: 'boom' }
      : { kind: 'completed', id, time: at(id), source: 0, line: 2 * id + 1, bytes: id, durationMs: 100 + (id % 7) };
    t.add(JOB, u);
  }
}

/** The history of the checkpoints read in one pass. */
function onePass(ids: number[], failed: Set<number>): CheckpointTimeline {
  const t = new CheckpointTimeline();
  fill(t, ids, failed);
  t.settle();
  return t;
}

/** The history of the checkpoints read in parts of `size` (as by scan lanes), merged. */
function inParts(ids: number[], failed: Set<number>, size: number): CheckpointTimeline {
  const merged = new CheckpointTimeline();
  for (let from = 0; from < ids.length; from += size) {
    const part = new CheckpointTimeline();
    fill(part, ids.slice(from, from + size), failed);
    mergeTimeline(merged, part.recorded(), (s) => s, 0);
  }
  merged.settle();
  return merged;
}

describe('checkpoint timeline', () => {
  it('keeps the latest checkpoints and every failed one, folds the rest into runs, and loses none', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6000 }), fc.uniqueArray(fc.integer({ min: 1, max: 6000 }), { maxLength: 30 }), (n, fails) => {
        const failed = new Set(fails.filter((f) => f <= n));
        const t = new CheckpointTimeline();
        fill(t, Array.from({ length: n }, (_, i) => i + 1), failed);
        t.settle();
        const entries = t.entries(JOB);
        const folds = t.folds(JOB);
        // Every id once, in an entry or in a run.
        const seen: number[] = [...entries.map((e) => e.id)];
        for (const f of folds) for (let id = f.firstId; id <= f.lastId; id++) seen.push(id);
        expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
        // Failed ones are never folded; the latest KEEP are kept one by one.
        for (const id of failed) expect(entries.find((e) => e.id === id)?.state).toBe('declined');
        expect(entries.filter((e) => e.state === 'completed').length).toBeLessThanOrEqual(KEEP);
        for (let id = Math.max(1, n - KEEP + 1); id <= n; id++) expect(entries.some((e) => e.id === id)).toBe(true);
        // Runs hold consecutive completed ids and their range of sizes.
        for (const f of folds) {
          for (let id = f.firstId; id <= f.lastId; id++) expect(failed.has(id)).toBe(false);
          expect([f.minBytes, f.maxBytes]).toEqual([f.firstId, f.lastId]);
        }
        // The last completed checkpoint before each failure, folded or not.
        for (const fid of failed) {
          let want = fid - 1;
          while (want > 0 && failed.has(want)) want--;
          const got = t.lastCompleted(JOB, fid);
          expect(got?.id ?? 0).toBe(want);
        }
      }),
      { numRuns: 60 },
    );
    // 60 runs of up to 6,000 checkpoints: about 5 s on a busy 2-core machine (a limit, not a measurement).
  }, 60_000);

  it('a job whose checkpoints keep failing: bounded entries and runs, every checkpoint counted by state', () => {
    // Every third checkpoint completes: no two completed ones are adjacent, so each is a run of one.
    const n = 3 * (OLD_KEPT + KEEP) + 9000;
    const ids = Array.from({ length: n }, (_, i) => i + 1);
    const failed = new Set(ids.filter((id) => id % 3 !== 0));
    const t = new CheckpointTimeline();
    fill(t, ids, failed);
    t.settle();
    const entries = t.entries(JOB);
    const folds = t.folds(JOB);
    const omitted = t.omitted(JOB);
    // The latest KEEP one by one, and of the older ones the first OLD_KEPT failures and OLD_KEPT runs.
    for (let id = n - KEEP + 1; id <= n; id++) expect(entries.some((e) => e.id === id)).toBe(true);
    const old = entries.filter((e) => e.id <= n - KEEP);
    expect(old.every((e) => e.state === 'declined')).toBe(true);
    expect(old.map((e) => e.id)).toEqual([...failed].filter((id) => id <= n - KEEP).slice(0, OLD_KEPT));
    expect(folds).toHaveLength(OLD_KEPT);
    expect(folds.map((f) => f.firstId)).toEqual(Array.from({ length: OLD_KEPT }, (_, i) => 3 * (i + 1)));
    // Nothing is lost from the counts: listed, folded and counted make every checkpoint once.
    const completed = entries.filter((e) => e.state === 'completed').length + folds.reduce((a, f) => a + f.lastId - f.firstId + 1, 0) + omitted.completed;
    const declined = entries.filter((e) => e.state === 'declined').length + omitted.declined;
    expect(completed).toBe(n - failed.size);
    expect(declined).toBe(failed.size);
    expect(omitted.failed + omitted.expired + omitted.aborted + omitted.triggered).toBe(0);
    // The job's summary counts them all; the report lists what was kept.
    const facts = new Facts();
    fill(facts.timeline, ids, failed);
    const { checkpoints, checkpointRuns } = buildTimeline(facts);
    const [summary] = jobSummaries(facts, checkpoints, checkpointRuns, []);
    expect(summary!.checkpoints).toEqual({ triggered: 0, completed: n - failed.size, failed: 0, declined: failed.size, expired: 0, aborted: 0 });
    expect(checkpoints.length).toBe(KEEP + OLD_KEPT);
    expect(summary!.failedCheckpoints.length).toBe(checkpoints.filter((c) => c.state === 'declined').length);
  });

  it('merged in parts past its bounds, counts every checkpoint as one pass does', () => {
    const n = 3 * (OLD_KEPT + KEEP) + 3000;
    const ids = Array.from({ length: n }, (_, i) => i + 1);
    const failed = new Set(ids.filter((id) => id % 3 !== 0));
    const [one, merged] = [onePass(ids, failed), inParts(ids, failed, 7000)];
    const total = (t: CheckpointTimeline): Record<string, number> => {
      const c: Record<string, number> = { ...t.omitted(JOB) };
      for (const e of t.entries(JOB)) c[e.state] = (c[e.state] ?? 0) + 1;
      for (const f of t.folds(JOB)) c.completed! += f.lastId - f.firstId + 1;
      return c;
    };
    expect(total(merged)).toEqual(total(one));
    expect(merged.entries(JOB).length).toBeLessThanOrEqual(KEEP + OLD_KEPT + KEEP / 2);
    expect(merged.folds(JOB).length).toBeLessThanOrEqual(OLD_KEPT);
  });

  it('merged in parts (as from scan lanes) gives the history of one pass', () => {
    const failed = new Set([700, 2500, 2501, 4000]);
    const ids = Array.from({ length: 5000 }, (_, i) => i + 1);
    const [one, merged] = [onePass(ids, failed), inParts(ids, failed, 1700)];
    expect(merged.entries(JOB)).toEqual(one.entries(JOB));
    expect(merged.folds(JOB)).toEqual(one.folds(JOB));
  });

  it('a long JobManager log: runs in the report, the last completed checkpoint before a failure, bounded rows', async () => {
    const dir = tempDir();
    const log = join(dir, 'flink-jobmanager.log');
    const lines: string[] = [];
    const t = (id: number): string => at(id).replace('T', ' ').replace('.', ',');
    for (let id = 1; id <= 5000; id++) {
      lines.push(`${t(id)} INFO  org.apache.flink.runtime.checkpoint.CheckpointCoordinator    [] - Triggering checkpoint ${id} (type=CHECKPOINT) @ 1710147600000 for job ${JOB}.`);
      if (id === 1200) lines.push(`${t(id)} INFO  org.apache.flink.runtime.checkpoint.CheckpointCoordinator    [] - Checkpoint ${id} of job ${JOB} expired before completing.`);
      else lines.push(`${t(id)} INFO  org.apache.flink.runtime.checkpoint.CheckpointCoordinator    [] - Completed checkpoint ${id} for job ${JOB} (${id} bytes, checkpointDuration=${100 + (id % 50)} ms, finalizationTime=0 ms).`);
    }
    writeFileSync(log, lines.join('\n') + '\n');
    const d = await diagnosePaths([log]);
    expect(d.checkpoints.length).toBe(KEEP + 1);
    expect(d.checkpoints.find((c) => c.id === 1200)?.state).toBe('expired');
    expect(d.checkpointRuns.map((r) => [r.firstId, r.lastId, r.count])).toEqual([
      [1, 1199, 1199],
      [1201, 4000, 2800],
    ]);
    expect(d.checkpointRuns[0]!.lastAt).toBe(at(1199));
    const text = timelineText(d);
    expect(text[2]).toMatch(/^ {2}5000 checkpoints: 4999 completed, 1 expired$/);
    // Uneventful stretches are one row each: before the expiry, and after it to the end.
    expect(text.filter((l) => l.includes('✓ checkpoints 1–1199 completed'))).toHaveLength(1);
    expect(text.filter((l) => l.includes('✓ checkpoints 1201–5000 completed'))).toHaveLength(1);
    expect(text.filter((l) => l.includes('checkpoint 1200 expired'))).toHaveLength(1);
    expect(text.length).toBeLessThan(10);
    const json = JSON.parse(renderJson(d));
    expect(json.checkpointRuns).toHaveLength(2);
    expect(json.checkpoints).toHaveLength(KEEP + 1);
  });
});
