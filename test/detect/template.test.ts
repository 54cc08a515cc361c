// A pattern's texts are filled from the values of its finding (fillTemplate); templateProblems
// names what would print wrong, and `patterns lint` reports it.

import { describe, expect, it } from 'vitest';
import { loadPatterns } from '../../src/detect/pattern.js';
import { fillTemplate, PATTERN_TEXT_FIELDS, templateProblems } from '../../src/detect/pattern-spec.js';

describe('templateProblems', () => {
  it('names a value that may be empty without a fallback, and a placeholder inside a fallback', () => {
    expect(fillTemplate('job {jobs}', { jobs: '' })).toBe('job {jobs}');
    expect(templateProblems('job {jobs}')).toEqual(['{jobs} is empty when the logs do not give it: give it a fallback ({jobs|…})']);
    expect(fillTemplate('memory{bytes| ({bytes} bytes)}', { bytes: '42' })).toBe('memory{bytes| (42 bytes)}');
    expect(templateProblems('memory{bytes| ({bytes} bytes)}')).toEqual(['{bytes|…} holds a placeholder in its fallback, which is printed as written']);
  });

  it('lets fallbacks and other values through', () => {
    expect(templateProblems('job {jobs|(id not printed)} on {hosts|its host}, checkpoints {checkpoints}, {what}')).toEqual([]);
  });

  it('finds nothing to print wrong in the built-in patterns', () => {
    const problems = loadPatterns().flatMap((p) =>
      PATTERN_TEXT_FIELDS.flatMap((f) => templateProblems(p[f] ?? '').map((x) => `${p.id} ${f}: ${x}`)),
    );
    expect(problems).toEqual([]);
  });
});
