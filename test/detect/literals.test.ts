import { describe, expect, it } from 'vitest';
import { literalsOfRegex } from '../../src/detect/literals.js';

describe('literalsOfRegex', () => {
  it('takes the longest fixed run', () => {
    expect(literalsOfRegex('while link file to (?<t>\\S+): (?<e>Not supported)$')).toEqual(['while link file to ']);
  });
  it('unescapes escaped punctuation', () => {
    expect(literalsOfRegex('Exceeded checkpoint tolerable failure threshold\\.')).toEqual(['Exceeded checkpoint tolerable failure threshold.']);
  });
  it('drops optional characters and groups', () => {
    expect(literalsOfRegex('abcdefx?ghij')).toEqual(['abcdef']);
    expect(literalsOfRegex('(?:optional prefix )?Required text here')).toEqual(['Required text here']);
  });
  it('gives one literal per top-level alternative', () => {
    expect(literalsOfRegex('No locks available|Resource temporarily unavailable')?.sort()).toEqual(['No locks available', 'Resource temporarily unavailable']);
  });
  it('uses alternatives inside a required group', () => {
    expect(literalsOfRegex('OutOfMemoryError: (?:Java heap space|GC overhead limit exceeded)')).toEqual(['OutOfMemoryError: ']);
    expect(literalsOfRegex('(?:Java heap space|GC overhead limit exceeded)')?.sort()).toEqual(['GC overhead limit exceeded', 'Java heap space']);
  });
  it('returns null when an alternative has no literal', () => {
    expect(literalsOfRegex('abc|.*')).toBeNull();
    expect(literalsOfRegex('[a-z]+')).toBeNull();
  });
  it('every derived literal occurs in strings the regex matches', () => {
    const cases: [string, string][] = [
      ['Could not find a file system implementation for scheme \'(?<scheme>\\w+)\'', "Could not find a file system implementation for scheme 's3'."],
      ['Checkpoint (?<checkpoint>\\d+) of job (?<job>[0-9a-f]{32}) expired before completing', 'Checkpoint 5 of job 0123456789abcdef0123456789abcdef expired before completing.'],
      ['While lock file: [^\\n]+/LOCK: (?<reason>No locks available|Resource temporarily unavailable)', 'While lock file: /x/LOCK: No locks available'],
    ];
    for (const [re, text] of cases) {
      expect(new RegExp(re).test(text)).toBe(true);
      const lits = literalsOfRegex(re)!;
      expect(lits.some((l) => text.includes(l))).toBe(true);
    }
  });
});
