// The data flows one way through the library's layers: scan/ cuts records from bytes and knows
// nothing of detection or execution; detect/ and unknown/ read records and know nothing of
// scanning or threads; run/ (execution) uses them all. No import cycles among these layers.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve('src');

/** Every source file (relative to src/) and the source files it imports, type-only imports included. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('.d.ts')) {
        const text = readFileSync(path, 'utf8');
        const deps = [...text.matchAll(/^\s*(?:import|export)\s[^'";]*?from\s+'(\.[^']+)'/gm)].map((m) => relative(SRC, resolve(dirname(path), m[1]!.replace(/\.js$/, '.ts'))));
        graph.set(relative(SRC, path), deps);
      }
    }
  };
  walk(SRC);
  return graph;
}

const graph = importGraph();
const layer = (file: string): string => (file.includes('/') ? file.split('/')[0]! : file.replace(/\.ts$/, ''));

describe('architecture', () => {
  it('scan/ imports only scan/, parse/ and the model', () => {
    const bad = [...graph].filter(([f]) => layer(f) === 'scan').flatMap(([f, deps]) => deps.filter((d) => !['scan', 'parse', 'model'].includes(layer(d))).map((d) => `${f} → ${d}`));
    expect(bad).toEqual([]);
  });

  it('detect/, unknown/, parse/ and the model import nothing from scan/ or run/', () => {
    const bad = [...graph].filter(([f]) => ['detect', 'unknown', 'parse', 'model'].includes(layer(f))).flatMap(([f, deps]) => deps.filter((d) => ['scan', 'run'].includes(layer(d))).map((d) => `${f} → ${d}`));
    expect(bad).toEqual([]);
  });

  it('input/ reads bytes and imports nothing from scan/ or run/ (execution lends it buffers)', () => {
    const bad = [...graph].filter(([f]) => layer(f) === 'input').flatMap(([f, deps]) => deps.filter((d) => ['scan', 'run'].includes(layer(d))).map((d) => `${f} → ${d}`));
    expect(bad).toEqual([]);
  });

  it('no import cycles among the model, parse/, scan/, detect/, unknown/, correlate/, run/ and the pipeline', () => {
    const inside = new Set(['model', 'parse', 'scan', 'detect', 'unknown', 'correlate', 'run', 'setup', 'diagnose']);
    const files = [...graph.keys()].filter((f) => inside.has(layer(f)));
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string): void => {
      state.set(f, 'open');
      stack.push(f);
      for (const d of graph.get(f) ?? []) {
        if (!inside.has(layer(d)) || !graph.has(d)) continue;
        if (state.get(d) === 'open') cycles.push([...stack.slice(stack.indexOf(d)), d].join(' → '));
        else if (!state.has(d)) visit(d);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it('no source file is over 400 lines without the reason written at its top', () => {
    const long = [...graph.keys()]
      .map((f) => ({ f, text: readFileSync(join(SRC, f), 'utf8') }))
      .filter(({ text }) => text.split('\n').length > 401)
      .filter(({ text }) => !/^\/\/ Over 400 lines: \S/m.test(text.split('\n').slice(0, 15).join('\n')))
      .map(({ f }) => f);
    expect(long).toEqual([]);
  });
});
