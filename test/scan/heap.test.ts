// The heap budget of long scans: a full collection when the heap passes it, and none again
// until the heap has doubled past what survived (a large live set must not make every check
// collect); when a scan ends, one if the heap holds more than the budget.

import { describe, expect, it } from 'vitest';
import { HEAP_BUDGET, heapCheck, heapCollections, heapSettle } from '../../src/scan/heap.js';
import { getHeapStatistics } from 'node:v8';

describe('heap budget', () => {
  it('collects past the budget, then waits for twice what survived', () => {
    const before = heapCollections;
    // Fewer bytes than the check interval: the heap is not even looked at.
    heapCheck(1 << 20);
    expect(heapCollections).toBe(before);
    // A live set larger than the budget.
    const live: number[][] = [];
    while (getHeapStatistics().used_heap_size < HEAP_BUDGET + (16 << 20)) live.push(new Array(50_000).fill(live.length));
    heapCheck(16 << 20);
    expect(heapCollections).toBe(before + 1);
    // What survived is still over the budget, but under twice itself: no collection at every check.
    heapCheck(16 << 20);
    heapCheck(16 << 20);
    expect(heapCollections).toBe(before + 1);
    // When the scan ends, the budget counts, not the raised threshold.
    heapSettle();
    expect(heapCollections).toBe(before + 2);
    expect(live.length).toBeGreaterThan(0);
  });

  it('does not collect when the scan ends with the heap under its budget', () => {
    // A first call collects what the test above left, if it is still there.
    heapSettle();
    expect(getHeapStatistics().used_heap_size).toBeLessThan(HEAP_BUDGET);
    const before = heapCollections;
    heapSettle();
    expect(heapCollections).toBe(before);
  });
});
