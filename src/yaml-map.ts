// A YAML mapping as configuration entries: nested maps flattened to dotted keys, lists joined
// with ';' (Flink's own list separator for dirs), each value with the line its key stands on.
// Used for config.yaml (input/config-file.ts) and a Flink operator resource's flinkConfiguration
// (live/operator.ts).

import type { LineCounter, Node } from 'yaml';
import { yamlLib } from './lazy.js';
import type { ConfigEntry } from './model.js';

/** The entries of a mapping node (nothing for another node), keys prefixed with `prefix`. */
export function mapEntries(node: unknown, source: string, lineCounter: LineCounter, prefix = ''): ConfigEntry[] {
  const { isMap, isScalar, isSeq } = yamlLib();
  const entries: ConfigEntry[] = [];
  const visit = (n: unknown, pre: string): void => {
    if (!isMap(n)) return;
    for (const pair of n.items) {
      const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const key = pre ? `${pre}.${k}` : k;
      const v = pair.value as Node | null;
      if (isMap(v)) {
        visit(v, key);
        continue;
      }
      let value: string;
      if (isSeq(v)) value = v.items.map((i) => (isScalar(i) ? String(i.value) : String(i))).join(';');
      else if (isScalar(v)) value = v.value === null ? '' : String(v.value);
      else value = v ? String(v) : '';
      const offset = (pair.key as Node | null)?.range?.[0] ?? 0;
      entries.push({ key, value, source, line: lineCounter.linePos(offset).line });
    }
  };
  visit(node, prefix);
  return entries;
}
