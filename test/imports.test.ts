// No import cycles in src/, between files or between the parts of the architecture (the folders
// of src/): data flows one way, input → records → facts and signals → findings → report, and the
// CLI sits on top (scripts/import-cycles.mjs finds them; `node scripts/import-cycles.mjs` lists them).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cyclePath, cycles, importGraph, importSpecifiers, partGraph, type ImportGraph } from '../scripts/import-cycles.mjs';
import { tempDir } from './helpers.js';

/** Imports allowed to close a cycle: none. An entry added here must say which import it is and why. */
const ALLOWED: Array<[from: string, to: string]> = [];

/** `graph` without the allowed imports. */
function withoutAllowed(graph: ImportGraph): ImportGraph {
  return new Map([...graph].map(([from, deps]) => [from, deps.filter((to) => !ALLOWED.some(([a, b]) => a === from && b === to))]));
}

function described(graph: ImportGraph, found: string[][]): string[] {
  return found.map((scc) => cyclePath(graph, scc));
}

describe('import cycles', () => {
  const graph = importGraph();

  it('reads the whole source tree', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get('cli/main')).toContain('cli/scan');
  });

  it('every allowed import still exists (remove the ones that are gone)', () => {
    const gone = ALLOWED.filter(([from, to]) => !graph.get(from)?.includes(to)).map(([from, to]) => `${from} → ${to}`);
    expect(gone).toEqual([]);
  });

  it('no file imports itself back', () => {
    const g = withoutAllowed(graph);
    expect(described(g, cycles(g))).toEqual([]);
  });

  it('no part of the architecture imports itself back', () => {
    const g = partGraph(withoutAllowed(graph));
    expect(described(g, cycles(g))).toEqual([]);
  });
});

describe('the cycle finder', () => {
  it('reads static imports and re-exports, type-only ones too, not comments or dynamic imports', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from '../b.js';",
      "export { c } from './c.js';",
      "export * from './d.js';",
      "import './e.js';",
      "import {\n  f,\n  g,\n} from './fg.js';",
      "import { readFileSync } from 'node:fs';",
      "// import { x } from './commented.js';",
      "/* import { y } from './block.js'; */",
      "const z = await import('./dynamic.js');",
    ].join('\n');
    expect(importSpecifiers(text)).toEqual(['./a.js', '../b.js', './c.js', './d.js', './e.js', './fg.js']);
  });

  it('finds a cycle between files and one between parts, with a path around each', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'left'));
    mkdirSync(join(dir, 'right'));
    writeFileSync(join(dir, 'left', 'a.ts'), "import { b } from './b.js';\nexport const a = 1;\n");
    writeFileSync(join(dir, 'left', 'b.ts'), "import type { A } from './a.js';\nimport { c } from '../right/c.js';\nexport const b = 2;\n");
    writeFileSync(join(dir, 'right', 'c.ts'), "export const c = 3;\n");
    writeFileSync(join(dir, 'right', 'd.ts'), "import { a } from '../left/a.js';\nexport const d = 4;\n");
    writeFileSync(join(dir, 'top.ts'), "import { d } from './right/d.js';\n");
    const g = importGraph(dir);
    expect(cycles(g)).toEqual([['left/a', 'left/b']]);
    expect(cyclePath(g, ['left/a', 'left/b'])).toBe('left/a → left/b → left/a');
    const parts = partGraph(g);
    expect(parts.get('top')).toEqual(['right']);
    expect(cycles(parts)).toEqual([['left', 'right']]);
    expect(cyclePath(parts, ['left', 'right'])).toBe('left → right → left');
  });

  it('finds none in a tree without one', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.ts'), "import { b } from './b.js';\n");
    writeFileSync(join(dir, 'b.ts'), 'export const b = 1;\n');
    const g = importGraph(dir);
    expect(cycles(g)).toEqual([]);
    expect(cycles(partGraph(g))).toEqual([]);
  });
});
