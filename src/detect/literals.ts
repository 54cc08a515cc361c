// Derives, from a JavaScript regex source, a set of literal strings such that every match of the
// regex contains at least one of them. The prefilter searches for these literals in raw bytes,
// so the derivation must be conservative: when unsure it returns null (no usable literal).

/** A set of alternatives: any match contains at least one; null when none can be derived. */
export type LiteralSet = string[] | null;

const ESCAPE_CLASSES = new Set(['d', 'D', 'w', 'W', 's', 'S', 'b', 'B', 'n', 'r', 't', 'f', 'v', '0', 'p', 'P', 'u', 'x', 'c', 'k']);

/** Literal set of a regex source (no flags other than the default). */
export function literalsOfRegex(src: string): LiteralSet {
  try {
    const alternatives = splitTop(src, 0, src.length);
    const sets = alternatives.map(([a, b]) => sequence(src, a, b));
    if (sets.some((s) => s === null || s.length === 0)) return null;
    return dedupe(sets.flatMap((s) => s!));
  } catch {
    return null;
  }
}

/** Chooses the better of several sets that are all required (the one with the longest shortest literal). */
export function bestOf(sets: LiteralSet[]): LiteralSet {
  let best: LiteralSet = null;
  for (const s of sets) {
    if (s === null || s.length === 0) continue;
    if (best === null || score(s) > score(best) || (score(s) === score(best) && s.length < best.length)) best = s;
  }
  return best;
}

/** Shortest literal length of a set (0 for none). */
export function score(s: LiteralSet): number {
  if (!s || s.length === 0) return 0;
  return Math.min(...s.map((l) => Buffer.byteLength(l)));
}

function dedupe(list: string[]): string[] {
  return [...new Set(list)];
}

/** Top-level alternatives of src[from, to) as index ranges. */
function splitTop(src: string, from: number, to: number): [number, number][] {
  const out: [number, number][] = [];
  let depth = 0;
  let start = from;
  for (let i = from; i < to; i++) {
    const c = src[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      i = skipClass(src, i);
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      out.push([start, i]);
      start = i + 1;
    }
  }
  out.push([start, to]);
  return out;
}

function skipClass(src: string, i: number): number {
  let j = i + 1;
  if (src[j] === '^') j++;
  if (src[j] === ']') j++;
  for (; j < src.length; j++) {
    if (src[j] === '\\') {
      j++;
      continue;
    }
    if (src[j] === ']') return j;
  }
  throw new Error('unterminated class');
}

function matchingParen(src: string, i: number): number {
  let depth = 0;
  for (let j = i; j < src.length; j++) {
    const c = src[j];
    if (c === '\\') {
      j++;
      continue;
    }
    if (c === '[') {
      j = skipClass(src, j);
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return j;
    }
  }
  throw new Error('unbalanced');
}

/** Reads a quantifier at i; returns [minIsZero, length of quantifier text]. */
function quantifier(src: string, i: number): [boolean, number] {
  const c = src[i];
  let len = 0;
  let zero = false;
  if (c === '?' || c === '*') {
    zero = true;
    len = 1;
  } else if (c === '+') {
    len = 1;
  } else if (c === '{') {
    const m = /^\{(\d*)(?:,(\d*))?\}/.exec(src.slice(i));
    if (m) {
      zero = m[1] === '' || Number(m[1]) === 0;
      len = m[0].length;
    }
  }
  if (len > 0 && src[i + len] === '?') len++;
  return [zero, len];
}

/** Literal set of a sequence without top-level alternation. */
function sequence(src: string, from: number, to: number): LiteralSet {
  const candidates: LiteralSet[] = [];
  let run = '';
  const flush = (): void => {
    if (run.length > 0) candidates.push([run]);
    run = '';
  };
  let i = from;
  while (i < to) {
    const c = src[i]!;
    let atom: string | null = null;
    let next = i + 1;
    let group: [number, number] | null = null;
    if (c === '\\') {
      const e = src[i + 1]!;
      next = i + 2;
      if (!ESCAPE_CLASSES.has(e) && !/[1-9]/.test(e)) atom = e;
      else if (e === 'u' || e === 'x' || e === 'c' || e === 'k' || e === 'p' || e === 'P') {
        const m = /^\\(?:u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|c[A-Za-z]|k<[^>]+>|[pP]\{[^}]+\})/.exec(src.slice(i));
        if (m) next = i + m[0].length;
      }
    } else if (c === '[') {
      next = skipClass(src, i) + 1;
    } else if (c === '(') {
      const close = matchingParen(src, i);
      next = close + 1;
      let inner = i + 1;
      if (src[inner] === '?') {
        if (src[inner + 1] === ':') inner += 2;
        else if (src[inner + 1] === '<' && src[inner + 2] !== '=' && src[inner + 2] !== '!') inner = src.indexOf('>', inner) + 1;
        else inner = -1; // lookaround: contributes nothing
      }
      if (inner >= 0) group = [inner, close];
    } else if (c === '.' || c === '^' || c === '$') {
      atom = null;
    } else if (c === ')' || c === '|') {
      throw new Error('unexpected');
    } else {
      atom = c;
    }
    const [zero, qlen] = quantifier(src, next);
    const after = next + qlen;
    if (group) {
      flush();
      if (!zero) {
        const alts = splitTop(src, group[0], group[1]);
        if (alts.length === 1) {
          candidates.push(sequence(src, group[0], group[1]));
        } else {
          const sets = alts.map(([a, b]) => sequence(src, a, b));
          candidates.push(sets.some((s) => s === null || s.length === 0) ? null : dedupe(sets.flatMap((s) => s!)));
        }
      }
    } else if (atom !== null && atom !== '\n' && atom !== '\r') {
      if (zero) flush();
      else if (qlen > 0) {
        run += atom;
        flush();
      } else run += atom;
    } else {
      flush();
    }
    i = after;
  }
  flush();
  return bestOf(candidates) ?? [];
}
