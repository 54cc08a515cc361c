// The pattern library as data: every file loads against the schema, no regex can backtrack
// catastrophically, load errors name file and field, and the generated catalogue is current.

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PATTERN_DIR, buildPatternCache, loadPatternFile, loadPatterns, PatternError } from '../src/detect/pattern.js';
import { scanLiterals } from '../src/detect/detector.js';
import { LONG_LITERAL } from '../src/scan/prefilter.js';
import { renderCatalogue } from '../src/catalogue.js';
import { tempDir } from './helpers.js';
import { redosVerdict } from '../src/detect/redos-verdict.js';

const patterns = loadPatterns();

describe('pattern library', () => {
  it('has unique ids equal to file names, in their area folder', () => {
    for (const p of patterns) expect(p.file.endsWith(`patterns/${p.area}/${p.id}.yaml`)).toBe(true);
  });

  it('gives every event pattern a usable prefilter literal', () => {
    for (const p of patterns.filter((x) => x.match)) expect(p.prefilterLiterals, p.id).not.toBeNull();
  });

  it('keeps every built-in literal long enough for the single prefilter pass', () => {
    const short = scanLiterals(patterns).filter((l) => Buffer.byteLength(l) < LONG_LITERAL);
    expect(short).toEqual([]);
  });

  it('loads built-in patterns from the build cache only while the file text is unchanged', () => {
    const cache = buildPatternCache();
    const key = 'rocksdb/rocksdb-hardlink-unsupported.yaml';
    const file = join(BUILTIN_PATTERN_DIR, key);
    const plain = loadPatternFile(file, { untrusted: false });
    const viaCache = loadPatternFile(file, { untrusted: false, cache, cacheKey: key });
    expect({ ...viaCache, matches: null }).toEqual({ ...plain, matches: null });
    // Every entry carries the prefilter literals derived from its pattern's regexes …
    for (const p of patterns.filter((x) => !x.literals)) {
      const entry = cache.files[relative(BUILTIN_PATTERN_DIR, p.file)]!;
      expect(loadPatternFile(p.file, { untrusted: false, cache, cacheKey: relative(BUILTIN_PATTERN_DIR, p.file) }).prefilterLiterals, p.id).toEqual(p.prefilterLiterals);
      expect(entry.derived, p.id).not.toBeUndefined();
    }
    // … and those literals are what a hit uses: planted ones are used as is.
    const planted = { files: { ...cache.files, [key]: { ...cache.files[key]!, derived: ['planted literal'] } } };
    expect(plain.literals).toBeUndefined();
    expect(loadPatternFile(file, { untrusted: false, cache: planted, cacheKey: key }).prefilterLiterals).toEqual(['planted literal']);
    // An entry whose hash matches is used as is (nothing is parsed) …
    const edited = { files: { ...cache.files, [key]: { ...cache.files[key]!, spec: { ...cache.files[key]!.spec, title: 'from the cache' } } } };
    expect(loadPatternFile(file, { untrusted: false, cache: edited, cacheKey: key }).title).toBe('from the cache');
    // … and one whose hash does not (the file changed since the build) is ignored.
    const stale = { files: { ...edited.files, [key]: { ...edited.files[key]!, hash: 'stale' } } };
    expect(loadPatternFile(file, { untrusted: false, cache: stale, cacheKey: key }).title).toBe(plain.title);
    expect(Object.keys(cache.files)).toHaveLength(patterns.length);
  });

  it('has no regex with exponential backtracking (verdict cached per hash of the regexes)', () => {
    const { problems, checked, hash } = redosVerdict(patterns);
    if (!checked) console.info(`patterns.test: ReDoS verdict for the built-in regexes read from the cache (${hash}); an edit to any regex checks them again`);
    expect(problems).toEqual([]);
  }, 900_000);

  it('checks the regexes again when one changes, and reads the verdict from the cache otherwise', () => {
    const dir = tempDir();
    const two = [
      { ...patterns[0]!, id: 'one', match: { message: 'while link file to (?<target>\\S+)' } },
      { ...patterns[0]!, id: 'two', match: { all: [{ exception: 'RocksDBException' }, { not: { text: 'ignored' } }] } },
    ] as typeof patterns;
    expect(redosVerdict(two, dir).checked).toBe(true);
    expect(redosVerdict(two, dir).checked).toBe(false);
    const edited = [{ ...two[0]!, match: { message: '(a+)+$' } }, two[1]!] as typeof two;
    const again = redosVerdict(edited, dir);
    expect(again.checked).toBe(true);
    expect(again.problems).toEqual([{ pattern: two[0]!.id, regex: '(a+)+$' }]);
    expect(redosVerdict(edited, dir).problems).toEqual(again.problems);
  }, 60_000);

  it('rejects a catastrophic regex from a user pattern, naming file and field', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'custom'));
    const file = join(dir, 'custom', 'bad-one.yaml');
    writeFileSync(
      file,
      ['id: bad-one', 'title: A bad pattern', 'severity: error', 'area: custom', "match:\n  message: '(a+)+$'", 'summary: s', 'cause: c', 'remediation: r', 'verify: v', 'references: [https://example.org]'].join('\n'),
    );
    expect(() => loadPatternFile(file, { untrusted: true })).toThrow(PatternError);
    expect(() => loadPatternFile(file, { untrusted: true })).toThrow(/match\.message: regular expression can backtrack catastrophically/);
  }, 60_000);

  it('reports schema errors with file, field and a hint', () => {
    const dir = tempDir();
    const file = join(dir, 'no-title.yaml');
    writeFileSync(file, ['id: no-title', 'severity: bad', 'area: x', "match:\n  message: 'abc def ghi jkl'", 'summary: s', 'cause: c', 'remediation: r', 'verify: v', 'references: [x]'].join('\n'));
    expect(() => loadPatternFile(file)).toThrow(/no-title\.yaml: .*(title|severity).*see patterns\/schema\.json/);
  });

  it('rejects an id that differs from the file name', () => {
    const dir = tempDir();
    const file = join(dir, 'other-name.yaml');
    writeFileSync(file, ['id: some-id', 'title: Some title', 'severity: error', 'area: x', "match:\n  message: 'abc def ghi jkl'", 'summary: s', 'cause: c', 'remediation: r', 'verify: v', 'references: [x]'].join('\n'));
    expect(() => loadPatternFile(file)).toThrow(/id: 'some-id' differs from the file name/);
  });

  it('docs/patterns.md is generated from the pattern files (run npm run catalogue)', () => {
    expect(readFileSync('docs/patterns.md', 'utf8')).toBe(renderCatalogue(patterns));
  });
});
