// The benchmark scripts import built modules by path (join(root, 'dist', …)): each must name a
// module the sources still build, or the benchmark ends half-way (the scaling table did, once
// plan.ts had moved from scan/ to run/).

import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('benchmark scripts', () => {
  it('import only built modules whose sources exist', () => {
    const named: string[] = [];
    for (const f of readdirSync('bench').filter((n) => n.endsWith('.mjs'))) {
      const text = readFileSync(join('bench', f), 'utf8');
      for (const m of text.matchAll(/join\(root, 'dist', ((?:'[^']+'(?:, )?)+)\)/g)) {
        const parts = [...m[1]!.matchAll(/'([^']+)'/g)].map((p) => p[1]!);
        named.push(join('src', ...parts).replace(/\.js$/, '.ts'));
      }
    }
    expect(named).toContain(join('src', 'run', 'plan.ts'));
    for (const path of named) expect(existsSync(path), path).toBe(true);
  });
});
