// Finds import cycles among the TypeScript modules under src/: every static `import … from`,
// `import '…'` and `export … from` of a relative path (type-only ones too: they tie the modules'
// designs together even though they vanish at run time; dynamic `import()` is left out). Cycles
// are looked for twice: between files, and between the parts of the architecture (a folder of
// src/, such as detect or scan, or a file directly in src/), where `detect → scan → detect` is a
// cycle even when no file imports itself back. Each cycle is reported as a strongly connected
// component: the set of modules that all reach each other, paths relative to src/ without the
// extension, sorted.
//
//   node scripts/import-cycles.mjs [DIR]    prints each cycle with one path around it; exit 1 when there is one
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SRC_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src');

/** Every .ts file under `dir` (declaration files left out), absolute. */
function sourceFiles(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Comments removed, so that an import quoted in a comment does not count. Strings are kept. */
function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

const STATIC_IMPORT = /^\s*(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]/gm;

/** The relative specifiers `text` imports statically. */
export function importSpecifiers(text) {
  const out = [];
  for (const m of stripComments(text).matchAll(STATIC_IMPORT)) if (m[1].startsWith('.')) out.push(m[1]);
  return out;
}

/** The import graph of `dir`: module (relative to `dir`, no extension) → the modules it imports. */
export function importGraph(dir = SRC_DIR) {
  const graph = new Map();
  const name = (abs) => relative(dir, abs).replace(/\\/g, '/').replace(/\.ts$/, '');
  const files = sourceFiles(dir);
  const known = new Set(files.map(name));
  for (const f of files) {
    const deps = new Set();
    for (const spec of importSpecifiers(readFileSync(f, 'utf8'))) {
      const target = name(resolve(dirname(f), spec.replace(/\.(?:js|mjs|ts)$/, '') + '.ts'));
      if (known.has(target)) deps.add(target);
    }
    graph.set(name(f), [...deps].sort());
  }
  return graph;
}

/** The part of the architecture a module belongs to: its top folder under src/ (or the module itself). */
export function partOf(module) {
  const slash = module.indexOf('/');
  return slash < 0 ? module : module.slice(0, slash);
}

/** The import graph between parts (partOf), from a module graph; imports inside a part are left out. */
export function partGraph(graph) {
  const parts = new Map();
  for (const [from, deps] of graph) {
    const a = partOf(from);
    if (!parts.has(a)) parts.set(a, new Set());
    for (const to of deps) if (partOf(to) !== a) parts.get(a).add(partOf(to));
  }
  return new Map([...parts].map(([k, v]) => [k, [...v].sort()]));
}

/** The cycles of `graph`: its strongly connected components of two modules or more (or a module importing itself), each sorted, in order. */
export function cycles(graph) {
  // Tarjan's algorithm, iterative (deep import chains would overflow a recursive one).
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const out = [];
  for (const root of graph.keys()) {
    if (idx.has(root)) continue;
    const work = [[root, 0]];
    idx.set(root, index);
    low.set(root, index++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const [v, i] = frame;
      const deps = graph.get(v) ?? [];
      if (i < deps.length) {
        frame[1]++;
        const w = deps[i];
        if (!idx.has(w)) {
          idx.set(w, index);
          low.set(w, index++);
          stack.push(w);
          onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent), low.get(v)));
      }
      if (low.get(v) === idx.get(v)) {
        const scc = [];
        let w;
        do {
          w = stack.pop();
          onStack.delete(w);
          scc.push(w);
        } while (w !== v);
        if (scc.length > 1 || deps.includes(v)) out.push(scc.sort());
      }
    }
  }
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}

/** One import path around a cycle, starting and ending at its first module: `a → b → a`. */
export function cyclePath(graph, scc) {
  const members = new Set(scc);
  const start = scc[0];
  // Breadth-first from the start back to itself, inside the component.
  const prev = new Map();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift();
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = prev.get(u)) path.unshift(u);
        path.unshift(start);
        return path.join(' → ');
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return scc.join(' ↔ ');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = resolve(process.argv[2] ?? SRC_DIR);
  const graph = importGraph(dir);
  const parts = partGraph(graph);
  let found = 0;
  for (const [what, g] of [['files', graph], ['parts', parts]]) {
    const list = cycles(g);
    found += list.length;
    for (const scc of list) console.log(`${what}: ${scc.join(', ')}\n  e.g. ${cyclePath(g, scc)}`);
  }
  console.log(found === 0 ? `no import cycles among ${graph.size} files in ${parts.size} parts` : `${found} import cycle${found === 1 ? '' : 's'} among ${graph.size} files in ${parts.size} parts`);
  process.exitCode = found === 0 ? 0 : 1;
}
