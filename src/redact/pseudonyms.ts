// The pseudonyms of one report: each value redacted gets a stable name per kind (`host-1`,
// `ip-2`, `secret-3` …), the mapping back to the originals (secrets never written), and one regex
// that finds every value already named. While a string is processed the names are placeholders
// of private-use characters, so that later rules never re-match a pseudonym; they become readable
// names at the end (finish).

import { HARMLESS, type RedactionKind } from './vocabulary.js';

/** One pseudonym and what it stands for (`original` is null for secrets: they are never written out). */
export interface RedactionEntry {
  kind: RedactionKind;
  pseudonym: string;
  original: string | null;
}

// Placeholders are written as private-use characters while a string is processed, so that later
// rules never re-match a pseudonym; they become readable names at the end.
export const OPEN = '\uE000';
const CLOSE = '\uE001';
const DIGIT0 = 0xe010;
const SENTINEL = /\uE000([\uE010-\uE019]+)\uE001/g;
/** The placeholder characters, for a regex character class. */
export const NOT_SENT = '\\uE000-\\uE0FF';

/** The pseudonyms of one report, and what each stands for. */
export class Pseudonyms {
  private readonly byOriginal = new Map<string, number>();
  /** Every value named, in the order the pseudonyms were assigned. */
  readonly entries: Array<{ kind: RedactionKind; original: string; pseudonym: string }> = [];
  private readonly counters = new Map<RedactionKind, number>();
  private readonly pseudonyms = new Set<string>();

  /** The placeholder of `original` (numbered per kind on first sight); a pseudonym stays as it is. */
  put(kind: RedactionKind, original: string): string {
    if (this.pseudonyms.has(original)) return original; // already redacted
    let i = this.byOriginal.get(original);
    if (i === undefined) {
      const n = (this.counters.get(kind) ?? 0) + 1;
      this.counters.set(kind, n);
      i = this.entries.length;
      this.entries.push({ kind, original, pseudonym: `${kind}-${n}` });
      this.byOriginal.set(original, i);
      this.pseudonyms.add(`${kind}-${n}`);
    }
    return OPEN + String(i).replace(/\d/g, (d) => String.fromCharCode(DIGIT0 + +d)) + CLOSE;
  }

  /** `s` with its placeholders turned into the readable pseudonyms. */
  finish(s: string): string {
    return s.replace(SENTINEL, (_m, digits: string) => {
      const i = +[...digits].map((c) => c.charCodeAt(0) - DIGIT0).join('');
      return this.entries[i]!.pseudonym;
    });
  }

  /** One regex matching every discovered value long enough to be replaced blindly. */
  literal(): RegExp | null {
    const vals = this.entries.map((e) => e.original).filter((v) => v.length >= 4 && !HARMLESS.has(v.toLowerCase()));
    if (vals.length === 0) return null;
    vals.sort((a, b) => b.length - a.length);
    const alt = vals.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
    return new RegExp(`(?<![A-Za-z0-9${NOT_SENT}])(?:${alt})(?![A-Za-z0-9])`, 'g');
  }

  /** The kind `original` was named as (it must have been named). */
  kindOf(original: string): RedactionKind {
    return this.entries[this.byOriginal.get(original)!]!.kind;
  }

  /** The mapping, in the order the pseudonyms were assigned. */
  mapping(): RedactionEntry[] {
    return this.entries.map((e) => ({ kind: e.kind, pseudonym: e.pseudonym, original: e.kind === 'secret' ? null : e.original }));
  }

  /** The mapping as a small text file (pseudonym → original), for the user's own use only. */
  mappingText(): string {
    const lines = ['# flink-doctor --redact mapping: pseudonym → original value. Keep this file private.', '# Secrets are not written here; their pseudonyms only tell where the same secret occurs.'];
    for (const e of this.mapping()) lines.push(`${e.pseudonym}\t${e.original ?? '(secret, not recorded)'}`);
    return lines.join('\n') + '\n';
  }
}
