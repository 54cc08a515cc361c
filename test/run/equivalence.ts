// The diagnosis must not depend on how the machine was used: the JSON report of an input scanned
// on the calling thread alone is compared with the same input spread over lanes (worker threads
// and the calling thread, files taken from a shared queue), with every plain file cut into small
// byte ranges (forced by the plan's tuning; the ranges are merged by line offsets), and in a
// pipeline (the calling thread scans, a worker detects). Only the timing and the thread count
// may differ. Runs against the build: workers need the compiled worker script.

import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { expect, it } from 'vitest';

export const built = existsSync('dist/diagnose.js') && existsSync('dist/run/worker.bundle.js');
/** Lanes need two usable cores (the plan caps lanes at the cores). */
export const cores = availableParallelism();

/** Ways to run one diagnosis; the first is the reference. */
const MODES = {
  one: { workers: 1 },
  lanes: { workers: 2, tuning: { parallelMinBytes: 0 } },
  ranges: { workers: 2, tuning: { parallelMinBytes: 0, splitMinBytes: 1, rangeBytes: 4096 } },
  pipeline: { workers: 'auto', tuning: { pipelineMinBytes: 0 } },
} as const;

export type Mode = keyof typeof MODES;

/** The JSON report with how it ran (seconds, threads, lanes stopped past the memory budget) left out, every unknown group included. */
async function report(path: string, mode: Mode): Promise<{ json: any; threads: number }> {
  const { diagnosePaths } = await import('../../dist/diagnose.js' as string);
  const { toJson } = await import('../../dist/report/json.js' as string);
  const d = await diagnosePaths([path], { ...MODES[mode], ignore: [] });
  const json = toJson(d, { unknown: Number.MAX_SAFE_INTEGER }) as any;
  const { seconds: _s, threads, lanesStopped: _l, ...stats } = json.stats;
  return { json: { ...json, stats }, threads };
}

/** True for a single file that is not plain text (gzip, an archive): one task, which no lane shares and no range splits. */
async function singleWrapped(path: string): Promise<boolean> {
  if (statSync(path).isDirectory()) return false;
  const { sniffPlain } = await import('../../dist/input/members.js' as string);
  const head = Buffer.alloc(8192);
  const fd = openSync(path, 'r');
  try {
    return !sniffPlain(head.subarray(0, readSync(fd, head, 0, head.length, 0)));
  } finally {
    closeSync(fd);
  }
}

/** One test per input: every mode's report equals the one-thread report, and every mode but one ran on two threads. */
export function equivalenceTests(inputs: { name: string; path: string; modes: Mode[] }[]): void {
  for (const input of inputs) {
    it(`${input.name}: ${input.modes.join(', ')} give the report of one thread`, async () => {
      const one = await report(input.path, 'one');
      expect(one.threads).toBe(1);
      const wrapped = await singleWrapped(input.path);
      for (const mode of input.modes) {
        const other = await report(input.path, mode);
        expect(other.json, `${input.name} (${mode})`).toEqual(one.json);
        expect(other.threads, `${input.name} (${mode}): threads`).toBe(mode !== 'pipeline' && wrapped ? 1 : 2);
      }
    });
  }
}
