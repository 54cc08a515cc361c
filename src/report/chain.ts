// What a finding led to, as the lines every human-readable report shows: the causal chain
// (`chain`), each consequence indented under the one that caused it, with the identities that tied
// it there; the flat `consequences` when a finding has no chain. And, for a consequence whose cause
// is missing, what to look for.

import type { CausalStep, Finding } from '../model.js';

/** One line of the chain. */
export interface ChainLine {
  depth: number;
  title: string;
  count: number;
  /** `same taskmanager, job`; empty when time alone tied it. */
  via: string;
  /** `file:line` of its first evidence. */
  where: string | null;
}

/** The chain under a finding, depth first. */
export function chainLines(f: Finding): ChainLine[] {
  const out: ChainLine[] = [];
  const walk = (steps: CausalStep[], depth: number): void => {
    for (const s of steps) {
      const ev = s.evidence[0];
      out.push({ depth, title: s.title, count: s.count, via: s.joinedOn.length > 0 ? `same ${s.joinedOn.join(', ')}` : '', where: ev ? `${ev.source}:${ev.line}` : null });
      walk(s.consequences, depth + 1);
    }
  };
  if (f.chain) walk(f.chain, 0);
  else for (const q of f.consequences) out.push({ depth: 0, title: q.title, count: q.count, via: '', where: q.evidence[0] ? `${q.evidence[0].source}:${q.evidence[0].line}` : null });
  return out;
}

/** The sentence for a consequence whose cause is not in the input, or null. */
export function causeNotFoundText(f: Finding): string | null {
  const c = f.causeNotFound;
  if (!c) return null;
  return `${c.lookFor}${c.expected.length > 0 ? ` (Causes it can have: ${c.expected.join(', ')}.)` : ''}`;
}
