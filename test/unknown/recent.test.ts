// The ring of groups seen last (unknown/recent.ts) holds what a list would that is pushed to
// (unless its newest is the same), cut to its size from the front, and filtered; each() visits those items.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecentRing } from '../../src/unknown/recent.js';

type Op = { push: number } | { retain: number };

describe('RecentRing', () => {
  it('holds what a list cut to its size would, oldest first, through pushes and filters', () => {
    const op: fc.Arbitrary<Op> = fc.oneof({ weight: 8, arbitrary: fc.nat(9).map((push) => ({ push })) }, { weight: 1, arbitrary: fc.nat(9).map((retain) => ({ retain })) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(op, { maxLength: 60 }), (size, ops) => {
        const ring = new RecentRing<number>(size);
        let list: number[] = [];
        for (const o of ops) {
          if ('push' in o) {
            if (list[list.length - 1] !== o.push) {
              list.push(o.push);
              if (list.length > size) list.shift();
            }
            ring.push(o.push);
          } else {
            // Drop the items divisible by a number, as the collector drops evicted groups.
            const keep = (x: number): boolean => x % (o.retain + 2) !== 0;
            list = list.filter(keep);
            ring.retain(keep);
          }
          expect(Array.from({ length: ring.length }, (_, i) => ring.at(i))).toEqual(list);
          // each() visits the same items, in any order.
          const seen: number[] = [];
          ring.each((x) => seen.push(x));
          expect(seen.sort((x, y) => x - y)).toEqual([...list].sort((x, y) => x - y));
        }
      }),
      { numRuns: 2000 },
    );
  });
});
