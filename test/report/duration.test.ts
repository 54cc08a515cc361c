import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../src/report/common.js';

describe('formatDuration', () => {
  it('carries a rounded-up last unit into the one before it', () => {
    const cases: [number, string][] = [
      [450, '450 ms'],
      [1_500, '1.5 s'],
      [9_940, '9.9 s'],
      [9_960, '10 s'],
      [59_600, '1 min 0 s'],
      [61_000, '1 min 1 s'],
      [3_599_600, '1 h 0 min'],
      [(164 * 60 + 59) * 60_000 + 58_800, '165 h 0 min'],
      [(2 * 60 + 5) * 60_000, '2 h 5 min'],
    ];
    for (const [ms, text] of cases) expect(formatDuration(ms), String(ms)).toBe(text);
  });
});
