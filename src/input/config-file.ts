// Reads a flink-conf.yaml (flat `key: value` lines) or config.yaml (nested YAML, Flink 1.19+)
// into configuration entries with the line where each value stands. Nested maps are flattened
// to dotted keys, lists joined with ';' (Flink's own list separator for dirs).

import type { Node } from 'yaml';
import { yamlLib } from '../lazy.js';
import type { ConfigEntry } from '../model.js';
import { operatorConfigEntries } from '../live/operator.js';

/** Parses configuration text; returns entries and an error message when the text is not YAML. */
export function parseConfigText(text: string, source: string): { entries: ConfigEntry[]; error: string | null } {
  // A Flink operator resource (FlinkDeployment, FlinkSessionJob): its spec.flinkConfiguration.
  const operator = operatorConfigEntries(text, source);
  if (operator) return { entries: operator, error: null };
  const { LineCounter, isMap, isScalar, isSeq, parseDocument } = yamlLib();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  if (doc.errors.length > 0 || !isMap(doc.contents)) {
    // Legacy flink-conf.yaml files are not always valid YAML; read them line by line as Flink 1.x did.
    const entries = parseFlatLines(text, source);
    const error = entries.length === 0 ? (doc.errors[0]?.message.split('\n')[0] ?? 'not a YAML mapping') : null;
    return { entries, error };
  }
  const entries: ConfigEntry[] = [];
  const visit = (node: Node | null, prefix: string): void => {
    if (!isMap(node)) return;
    for (const pair of node.items) {
      const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const key = prefix ? `${prefix}.${k}` : k;
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
  visit(doc.contents as Node, '');
  return { entries, error: null };
}

function parseFlatLines(text: string, source: string): ConfigEntry[] {
  const out: ConfigEntry[] = [];
  text.split(/\r?\n/).forEach((l, i) => {
    const m = /^\s*([^#\s][^:]*?):\s+(.*?)\s*$/.exec(l) ?? /^\s*([^#\s][^:]*?):\s*$/.exec(l);
    if (m) out.push({ key: m[1]!.trim(), value: (m[2] ?? '').replace(/^["']|["']$/g, ''), source, line: i + 1 });
  });
  return out;
}
