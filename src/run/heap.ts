// Keeps the JavaScript heap of a long scan within a budget. What a scan keeps (facts, groups,
// occurrences) is small, but V8 lets its old generation fill with short-lived objects that
// outlived a few young collections, and collects them only once the heap has grown several
// times over: on a 4 GiB log the heap reached about 120 MiB around a live set of 25 MiB. When the
// heap passes the budget, a full collection is asked for; the next one is due at twice what
// survived it, so a large live set does not make the scan collect over and over.
// The command line asks for this (DiagnoseOptions.heapBudget); a program using the library gets
// it only when it asks too, as it sets a V8 flag and forces collections in the whole process.
// The command line also holds the main thread's young generation at the size it starts with
// (holdYoungGeneration), the young generation being what the heap budget does not hold.

import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The command line's heap budget (bytes): above it, a full collection is asked for. */
export const HEAP_BUDGET = 40 << 20;
/** Input bytes between two looks at the heap size. */
const CHECK_EVERY = 16 << 20;

/**
 * V8 fixes the main isolate's heap limits when Node starts (--max-semi-space-size set later with
 * v8.setFlagsFromString changes nothing), but reads the semi-spaces' growth factor each time the
 * young generation would grow: at 1 it stays at the size it has, at 2 it doubles whenever a
 * young collection finds as much surviving as it holds, up to 16 MiB semi-spaces. The command line
 * holds it at 1 MiB semi-spaces from its first line (bin/flink-doctor.js); for the scan it lets
 * it grow to YOUNG_SPACE and holds it there (steerYoung, looked at as the input is read). Records
 * and events outlive a young collection of 1 MiB semi-spaces often enough that copying them into
 * the old generation cost a tenth of the processor time on logs full of warnings and errors.
 * V8 sets the factor back to 2 whenever it configures a new isolate's heap (a worker thread's),
 * so it is set again once each worker runs (workerStarted). Restarting Node with the limits as
 * flags would cost a second start-up and, until it ends, a second process.
 */
const HOLD_YOUNG = '--semi-space-growth-factor=1';
const GROW_YOUNG = '--semi-space-growth-factor=2';
/** The young generation's size (new space, both semi-spaces) at which it is held during a scan. */
export const YOUNG_SPACE = 8 << 20;
/** Input bytes between two looks at the young generation's size while it grows. */
const STEER_EVERY = 256 << 10;
let youngHeld = false;
let youngGrown = false;
let sinceSteer = 0;

/** Holds this process's young generation (the main thread's: workers have limits of their own), letting it grow to YOUNG_SPACE first; process-wide. */
export function holdYoungGeneration(): void {
  youngHeld = true;
  youngGrown = newSpaceSize() >= YOUNG_SPACE;
  setFlagsFromString(youngGrown ? HOLD_YOUNG : GROW_YOUNG);
}

/** Called once a worker thread runs: its isolate's set-up raised the growth factor again. */
export function workerStarted(): void {
  if (youngHeld && youngGrown) setFlagsFromString(HOLD_YOUNG);
}

/**
 * While the young generation grows towards YOUNG_SPACE: holds it once it gets there; then holds
 * it again now and then (a worker thread's isolate, set up at any time, raises the factor).
 */
function steerYoung(bytes: number): void {
  if (!youngHeld) return;
  sinceSteer += bytes;
  if (sinceSteer < STEER_EVERY) return;
  sinceSteer = 0;
  if (!youngGrown && newSpaceSize() < YOUNG_SPACE) return;
  youngGrown = true;
  setFlagsFromString(HOLD_YOUNG);
}

function newSpaceSize(): number {
  for (const s of getHeapSpaceStatistics()) if (s.space_name === 'new_space') return s.space_size;
  return 0;
}

let collect: (() => void) | null | undefined;
let sinceCheck = 0;
let threshold = 0;
/** Full collections asked for so far on this thread (for tests and the benchmark). */
export let heapCollections = 0;

/** V8's collector, made callable without starting Node with --expose-gc; null if unavailable. */
function collector(): (() => void) | null {
  if (collect !== undefined) return collect;
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    collect = typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    collect = null;
  }
  return collect;
}

/** Counts scanned bytes; now and then compares the heap with `budget` and collects past it. */
export function heapCheck(bytes: number, budget: number): void {
  steerYoung(bytes);
  sinceCheck += bytes;
  if (sinceCheck < CHECK_EVERY) return;
  collectPast(Math.max(threshold, budget), budget);
}

/**
 * When a scan has ended: collects if the heap holds more than the budget (whatever the threshold
 * has grown to), so that correlation and the report are built in the space the scan's garbage
 * took, instead of growing the heap past it.
 */
export function heapSettle(budget: number): void {
  collectPast(budget, budget);
}

function collectPast(limit: number, budget: number): void {
  sinceCheck = 0;
  if (getHeapStatistics().used_heap_size < limit) return;
  const gc = collector();
  if (!gc) return;
  gc();
  heapCollections++;
  threshold = Math.max(budget, 2 * getHeapStatistics().used_heap_size);
}
