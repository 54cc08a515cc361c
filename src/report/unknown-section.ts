// The unknown-failure section of the human-readable reports: which groups are listed and how
// they are worded (grouping and ranking are src/unknown/'s).

import type { Diagnosis, UnknownGroup } from '../model.js';
import { selectUnknown } from '../unknown/groups.js';

/** Number of unknown-failure groups a report lists when the caller does not say (`--unknown`). */
export const DEFAULT_UNKNOWN = 5;

/** The unknown-failure section of a report: what is listed and what is left out. */
export interface UnknownView {
  /** Likely failures among the listed groups, best first. */
  top: UnknownGroup[];
  /** Known background noise among the listed groups. */
  benign: UnknownGroup[];
  /** Groups in the input, listed or not. */
  total: number;
  benignTotal: number;
  /** Groups not listed. */
  hidden: number;
}

/** The unknown groups to show for `--unknown n` (0: none); null when the section is hidden or empty. */
export function unknownView(d: Diagnosis, n: number = DEFAULT_UNKNOWN): UnknownView | null {
  if (n <= 0 || d.unknown.length === 0) return null;
  return selectUnknown(d.unknown, n);
}

/** Heading sentence of the unknown section, e.g. "top 5 of 12 groups; 3 are known background noise". */
export function unknownHeading(v: UnknownView): string {
  const listed = v.top.length + v.benign.length;
  const of = listed < v.total ? `top ${listed} of ${v.total} groups` : `${v.total} group${v.total === 1 ? '' : 's'}`;
  return `${of}${v.benignTotal ? `; ${v.benignTotal} ${v.benignTotal === 1 ? 'is' : 'are'} known background noise` : ''}`;
}

/** Root-cause exception and normalised message of a group, in one line. */
export function unknownTitle(g: UnknownGroup): string {
  if (!g.exception) return g.message;
  return g.message ? `${g.exception}: ${g.message}` : g.exception;
}

/** Count, first and last seen of a group in words. */
export function unknownCountLine(g: UnknownGroup): string {
  const n = `${g.count}×`;
  if (!g.firstSeen) return `${n}, no timestamps`;
  return g.lastSeen && g.lastSeen !== g.firstSeen ? `${n}, ${g.firstSeen} → ${g.lastSeen}` : `${n}, at ${g.firstSeen}`;
}

/** Roles and sources of a group in words. */
export function unknownWhere(g: UnknownGroup, max = 3): string {
  const roles = g.roles.filter((r) => r !== 'unknown');
  const src = g.sources.length > max ? `${g.sources.slice(0, max).join(', ')} and ${g.sources.length - max} more` : g.sources.join(', ');
  return `${roles.length ? roles.join(', ') + ' · ' : ''}${src}`;
}

/** Label of a benign group's noise kind, from its reasons. */
export function benignLabel(g: UnknownGroup): string {
  const r = g.reasons.find((x) => x.startsWith('known background noise'));
  return r ? r.replace(/^known background noise \((.*)\)$/, '$1') : 'known background noise';
}
