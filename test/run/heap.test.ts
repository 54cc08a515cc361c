// The heap budget of long scans: a full collection when the heap passes it, and none again
// until the heap has doubled past what survived (a large live set must not make every check
// collect); when a scan ends, one if the heap holds more than the budget.

import { describe, expect, it } from 'vitest';
import { HEAP_BUDGET, heapCheck, heapCollections, heapSettle } from '../../src/run/heap.js';
import { getHeapStatistics } from 'node:v8';
import { diagnosePaths } from '../../src/diagnose.js';

describe('heap budget', () => {
  it('collects past the budget, then waits for twice what survived', () => {
    const before = heapCollections;
    // Fewer bytes than the check interval: the heap is not even looked at.
    heapCheck(1 << 20, HEAP_BUDGET);
    expect(heapCollections).toBe(before);
    // A live set larger than the budget.
    const live: number[][] = [];
    while (getHeapStatistics().used_heap_size < HEAP_BUDGET + (16 << 20)) live.push(new Array(50_000).fill(live.length));
    heapCheck(16 << 20, HEAP_BUDGET);
    expect(heapCollections).toBe(before + 1);
    // What survived is still over the budget, but under twice itself: no collection at every check.
    heapCheck(16 << 20, HEAP_BUDGET);
    heapCheck(16 << 20, HEAP_BUDGET);
    expect(heapCollections).toBe(before + 1);
    // When the scan ends, the budget counts, not the raised threshold.
    heapSettle(HEAP_BUDGET);
    expect(heapCollections).toBe(before + 2);
    expect(live.length).toBeGreaterThan(0);
  });

  it('does not collect when the scan ends with the heap under its budget', () => {
    // A first call collects what the test above left, if it is still there.
    heapSettle(HEAP_BUDGET);
    expect(getHeapStatistics().used_heap_size).toBeLessThan(HEAP_BUDGET);
    const before = heapCollections;
    heapSettle(HEAP_BUDGET);
    expect(heapCollections).toBe(before);
  });

  it('is used by a diagnosis only when asked for (the command line asks)', async () => {
    const sample = 'samples/rocksdb/rocksdb-hardlink-unsupported/positive-1.17-azure-files';
    const before = heapCollections;
    const plain = await diagnosePaths([sample]);
    expect(heapCollections).toBe(before);
    // A budget of one byte: the heap is past it when the scan ends, once correlation has assigned
    // the causes, and again once it is done (its working data is collected before the report is built).
    const budgeted = await diagnosePaths([sample], { heapBudget: 1 });
    expect(heapCollections).toBe(before + 3);
    expect(budgeted.findings.map((f) => f.id)).toEqual(plain.findings.map((f) => f.id));
  });
});
