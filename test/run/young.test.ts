// The command line holds the main thread's young generation at the size it starts with (1 MiB
// semi-spaces), and for a scan lets it grow to YOUNG_SPACE and holds it there instead of letting
// V8 grow it to 16 MiB semi-spaces, also after worker threads started (V8 raises the growth
// factor again whenever it sets up an isolate). Run in child processes against the build: the
// test runner's own heap has grown long before.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../bench/generate.mjs';
import { tempDir } from '../helpers.js';
import { YOUNG_SPACE } from '../../src/run/heap.js';

const built = existsSync('dist/run/heap.js') && existsSync('dist/cli/bundle.js');
const MiB = 1 << 20;

/** Prints the main thread's new space (both semi-spaces) when the process exits. */
const REPORT_NEW_SPACE = `data:text/javascript,${encodeURIComponent(
  "import { getHeapSpaceStatistics } from 'node:v8'; process.on('exit', () => process.stderr.write('new_space=' + getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size + '\\n'));",
)}`;

function newSpace(stderr: string): number {
  const m = /new_space=(\d+)/.exec(stderr);
  if (!m) throw new Error(`no new space reported: ${stderr}`);
  return Number(m[1]);
}

/**
 * Short-lived objects of which a share survives a few young collections, as a scan makes them,
 * the heap looked at after every 20,000 as a scan does after every chunk read (heapCheck).
 */
const CHURN =
  'const churn = (look = true) => { let keep = []; for (let i = 0; i < 2e6; i++) { keep.push({ a: i, b: "x" + i }); if (keep.length > 100000) keep = []; if (look && i % 20000 === 0) heapCheck(1 << 20, 1 << 30); } };';

function child(script: string): string {
  return execFileSync(process.execPath, ['--import', REPORT_NEW_SPACE, '--input-type=module', '-e', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe.skipIf(!built)('young generation of the main thread', () => {
  const heap = JSON.stringify(resolve('dist/run/heap.js'));

  // V8 sizes the young generation by heuristics that a machine busy with other tests can sway
  // once: a second try decides.
  it('grows to YOUNG_SPACE once held, and stays there, also after a worker thread started', { retry: 1 }, () => {
    const script = (again: boolean): string => `
      import { Worker } from 'node:worker_threads';
      import { once } from 'node:events';
      import { holdYoungGeneration, workerStarted, heapCheck } from ${heap};
      ${CHURN}
      holdYoungGeneration();
      churn();
      const w = new Worker('setTimeout(() => {}, 100)', { eval: true });
      await once(w, 'online');
      ${again ? 'workerStarted(); churn();' : 'churn(false);'}
      const s = (await import('node:v8')).getHeapSpaceStatistics().find((x) => x.space_name === 'new_space').space_size;
      process.stdout.write(String(s));
      await once(w, 'exit');
    `;
    // The worker's set-up may let it double once before the scan next looks (after a chunk read).
    const held = Number(child(script(true)));
    expect(held).toBeGreaterThanOrEqual(YOUNG_SPACE);
    expect(held).toBeLessThanOrEqual(2 * YOUNG_SPACE);
    // Without holding it again, the worker's set-up lets the young generation grow to V8's most (what the test guards against).
    expect(Number(child(script(false)))).toBeGreaterThan(2 * YOUNG_SPACE);
  });

  it('is held by the command line through a scan', async () => {
    const dir = tempDir();
    const log = join(dir, 'tm.log');
    await generate(log, 24, { seed: 7 });
    const r = spawnSync(process.execPath, ['--import', REPORT_NEW_SPACE, 'bin/flink-doctor.js', '-q', '-f', 'json', '--workers', '1', log], { encoding: 'utf8', maxBuffer: 64 * MiB });
    expect(newSpace(r.stderr)).toBeLessThanOrEqual(YOUNG_SPACE);
  });
});
