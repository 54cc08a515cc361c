// Logs wrapped line by line: container-runtime files (docker json-file, CRI) and JSON log
// layouts, turned back into plain log lines.

import { jsonRecordToLine } from '../json-log.js';
import type { Member } from '../expand.js';

/** The member of a wrapped log: its lines unwrapped, marked with the wrapper's format. */
export function wrappedMember(name: string, src: AsyncIterable<Buffer>, format: 'docker-json' | 'cri' | 'json-layout'): Member {
  const unwrap = format === 'docker-json' ? dockerJsonLine : format === 'cri' ? criLine : (l: string) => (l.startsWith('{') ? jsonRecordToLine(l) : l + '\n');
  return { name, kind: 'log', chunks: mapLines(src, unwrap), gzip: false, format };
}

/** True when a first line is a docker json-file record. */
export function isDockerJsonLine(firstLine: string): boolean {
  return /^\{"log":".*","stream":"(?:stdout|stderr)"/.test(firstLine);
}

/** True when a first line is a CRI record. */
export function isCriLine(firstLine: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}) (?:stdout|stderr) [FP] /.test(firstLine);
}

/** Applies a line mapping to a chunk stream (slow path for wrapped formats); null drops the line. */
async function* mapLines(src: AsyncIterable<Buffer>, fn: (line: string) => string | null): AsyncGenerator<Buffer> {
  let rest = '';
  for await (const chunk of src) {
    const text = rest + chunk.toString('utf8');
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    const out: string[] = [];
    for (const l of lines) {
      const m = fn(l.endsWith('\r') ? l.slice(0, -1) : l);
      if (m !== null) out.push(m);
    }
    if (out.length > 0) yield Buffer.from(out.join(''));
  }
  if (rest) {
    const m = fn(rest);
    if (m !== null) yield Buffer.from(m);
  }
}

/** docker json-file: `{"log":"…\n","stream":"stdout","time":"…"}`; partial lines have no trailing \n. */
function dockerJsonLine(line: string): string | null {
  if (!line.startsWith('{')) return line + '\n';
  try {
    const o = JSON.parse(line) as { log?: unknown };
    return typeof o.log === 'string' ? o.log : null;
  } catch {
    return line + '\n';
  }
}

/** CRI: `<time> <stream> <F|P> <text>`; a P (partial) line continues on the next record. */
function criLine(line: string): string | null {
  const m = /^\S+ (?:stdout|stderr) ([FP]) ?/.exec(line);
  if (!m) return line + '\n';
  const text = line.slice(m[0].length);
  return m[1] === 'P' ? text : text + '\n';
}
