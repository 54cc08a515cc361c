// Reads a flink-conf.yaml (flat `key: value` lines) or config.yaml (nested YAML, Flink 1.19+)
// into configuration entries with the line where each value stands (src/yaml-map.ts flattens nested
// maps); a Flink operator resource gives its flinkConfiguration (live/operator.ts).

import { yamlLib } from '../lazy.js';
import type { ConfigEntry } from '../model.js';
import { operatorConfigEntries } from '../live/operator.js';
import { mapEntries } from '../yaml-map.js';

/** Parses configuration text; returns entries and an error message when the text is not YAML. */
export function parseConfigText(text: string, source: string): { entries: ConfigEntry[]; error: string | null } {
  // A Flink operator resource (FlinkDeployment, FlinkSessionJob): its spec.flinkConfiguration.
  const operator = operatorConfigEntries(text, source);
  if (operator) return { entries: operator, error: null };
  const { LineCounter, isMap, parseDocument } = yamlLib();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  if (doc.errors.length > 0 || !isMap(doc.contents)) {
    // Legacy flink-conf.yaml files are not always valid YAML; read them line by line as Flink 1.x did.
    const entries = parseFlatLines(text, source);
    const error = entries.length === 0 ? (doc.errors[0]?.message.split('\n')[0] ?? 'not a YAML mapping') : null;
    return { entries, error };
  }
  return { entries: mapEntries(doc.contents, source, lineCounter), error: null };
}

function parseFlatLines(text: string, source: string): ConfigEntry[] {
  const out: ConfigEntry[] = [];
  text.split(/\r?\n/).forEach((l, i) => {
    const m = /^\s*([^#\s][^:]*?):\s+(.*?)\s*$/.exec(l) ?? /^\s*([^#\s][^:]*?):\s*$/.exec(l);
    if (m) out.push({ key: m[1]!.trim(), value: (m[2] ?? '').replace(/^["']|["']$/g, ''), source, line: i + 1 });
  });
  return out;
}
