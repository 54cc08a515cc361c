// The ReDoS verdict on the built-in patterns, kept with the hash of their regexes and of the
// checker's version in patterns/redos-verdict.json (committed with the patterns, so a fresh clone
// does not check again): checking every built-in regex takes minutes, and the answer changes only
// when a regex (or the checker) does; then it is checked and the file written anew. User patterns
// are still checked when they load (pattern.ts).

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { redosCheck } from './pattern-compile.js';
import { patternRegexes, type Pattern } from './pattern-spec.js';

/** Where the verdict is kept: beside the built-in patterns (patterns/redos-verdict.json). */
export const REDOS_CACHE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'patterns');

/** A regex with exponential backtracking, and the pattern it belongs to. */
export interface RedosProblem {
  pattern: string;
  regex: string;
}

function checkerVersion(): string {
  try {
    const req = createRequire(import.meta.url);
    return (JSON.parse(readFileSync(req.resolve('recheck/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * The regexes of `patterns` that can backtrack exponentially. The verdict is read from the cache
 * when one for the same regexes and checker version exists; otherwise every regex is checked and
 * the verdict stored. `checked` tells whether the checker ran.
 */
export function redosVerdict(patterns: Pattern[], cacheDir: string = REDOS_CACHE_DIR): { problems: RedosProblem[]; checked: boolean; hash: string } {
  const list = patterns.flatMap((p) => patternRegexes(p).map((regex) => ({ pattern: p.id, regex })));
  const hash = createHash('sha256').update(checkerVersion()).update('\0').update(JSON.stringify(list)).digest('hex').slice(0, 20);
  const file = join(cacheDir, 'redos-verdict.json');
  if (existsSync(file)) {
    try {
      const cached = JSON.parse(readFileSync(file, 'utf8')) as { hash: string; problems: RedosProblem[] };
      if (cached.hash === hash && Array.isArray(cached.problems)) return { problems: cached.problems, checked: false, hash };
    } catch {
      // a damaged verdict is computed again
    }
  }
  const problems = list.filter(({ regex }) => {
    const r = redosCheck(regex);
    return r.status === 'vulnerable' && r.complexity === 'exponential';
  });
  try {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(file, JSON.stringify({ hash, regexes: list.length, problems }) + '\n');
  } catch {
    // no cache (read-only tree): the next run checks again
  }
  return { problems, checked: true, hash };
}
