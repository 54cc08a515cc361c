// The tables of the kernel's SIMD literal search (Teddy): one 3-byte window per literal, spread
// over 8 buckets so that as few text positions as possible pass a bucket's nibble masks.

import { BYTE_WEIGHT } from './byte-weight.js';

/**
 * The SIMD search's tables (Teddy over one window per literal): each literal is entered by the
 * 3-byte window of it that is least likely in log text, the windows are spread over 8 buckets,
 * and for each byte of a window two 16-entry masks say which buckets have that low or high
 * nibble there. A position whose 3 bytes pass all six masks for some bucket is a candidate for
 * that bucket's literals, compared in full.
 */
export interface TeddyTables {
  /** Start of each literal's window within it, by literal index. */
  readonly offset: Int32Array;
  /** Each literal's window, its 3 bytes as a little-endian number. */
  readonly window: Int32Array;
  /** 96 bytes: for window byte j = 0, 1, 2, the low-nibble mask then the high-nibble mask (bit b: bucket b). */
  readonly masks: Uint8Array;
  /** The literal indexes of each of the 8 buckets. */
  readonly buckets: readonly (readonly number[])[];
}

/** Teddy's window length. */
const TEDDY_WINDOW = 3;

/**
 * The SIMD search's tables for the literals `ids` of `bytes` (see TeddyTables); null when one is
 * shorter than a window. Literals with the same window share a bucket; each window goes, in turn
 * from the most likely, to the bucket where it adds least to the expected comparisons: the chance
 * that a text position passes the bucket's masks (by BYTE_WEIGHT) times the literals it holds.
 */
export function teddyTables(bytes: readonly Buffer[], ids: readonly number[]): TeddyTables | null {
  if (ids.length === 0 || ids.some((li) => bytes[li]!.length < TEDDY_WINDOW)) return null;
  const offset = new Int32Array(bytes.length);
  const window = new Int32Array(bytes.length);
  const groups = new Map<number, number[]>();
  ids.forEach((li) => {
    const b = bytes[li]!;
    let best = 0;
    let bestW = Infinity;
    for (let o = 0; o + TEDDY_WINDOW <= b.length; o++) {
      const w = BYTE_WEIGHT[b[o]!]! * BYTE_WEIGHT[b[o + 1]!]! * BYTE_WEIGHT[b[o + 2]!]!;
      if (w < bestW) {
        bestW = w;
        best = o;
      }
    }
    offset[li] = best;
    window[li] = b[best]! | (b[best + 1]! << 8) | (b[best + 2]! << 16);
    const g = groups.get(window[li]!);
    if (g) g.push(li);
    else groups.set(window[li]!, [li]);
  });
  // Share of the text's bytes with high nibble h and low nibble l: nib[h << 4 | l].
  const nib = new Float64Array(256);
  let total = 0;
  for (let x = 0; x < 256; x++) total += BYTE_WEIGHT[x]!;
  for (let x = 0; x < 256; x++) nib[x] = BYTE_WEIGHT[x]! / total;
  // Per bucket and window byte: the low and high nibbles present (16-bit sets), the share of
  // bytes that pass the two masks, and what adding a low nibble l or a high nibble h would add to
  // it (the bytes of l with a high nibble present, of h with a low nibble present).
  const lo = new Int32Array(24);
  const hi = new Int32Array(24);
  const share = new Float64Array(24);
  const addLo = new Float64Array(24 * 16);
  const addHi = new Float64Array(24 * 16);
  const size = new Array<number>(8).fill(0);
  /** The share of bytes passing bucket k's masks for window byte j (i = 3k + j) once byte x is added to them. */
  const shareWith = (i: number, x: number): number => {
    const l = x & 15;
    const h = x >> 4;
    const newL = (lo[i]! & (1 << l)) === 0;
    const newH = (hi[i]! & (1 << h)) === 0;
    return share[i]! + (newL ? addLo[16 * i + l]! : 0) + (newH ? addHi[16 * i + h]! : 0) + (newL && newH ? nib[x]! : 0);
  };
  const add = (i: number, x: number): void => {
    share[i] = shareWith(i, x);
    const l = x & 15;
    const h = x >> 4;
    if ((hi[i]! & (1 << h)) === 0) for (let y = 0; y < 16; y++) addLo[16 * i + y] = addLo[16 * i + y]! + nib[(h << 4) | y]!;
    if ((lo[i]! & (1 << l)) === 0) for (let y = 0; y < 16; y++) addHi[16 * i + y] = addHi[16 * i + y]! + nib[(y << 4) | l]!;
    lo[i] = lo[i]! | (1 << l);
    hi[i] = hi[i]! | (1 << h);
  };
  const bucketOf = new Array<number>(bytes.length);
  const order = [...groups.entries()].sort((a, b) => windowWeight(b[0]) - windowWeight(a[0]) || a[0] - b[0]);
  for (const [w, ids] of order) {
    let best = 0;
    let bestCost = Infinity;
    for (let k = 0; k < 8; k++) {
      let before = size[k]!;
      let after = size[k]! + ids.length;
      for (let j = 0; j < TEDDY_WINDOW; j++) {
        before *= share[3 * k + j]!;
        after *= shareWith(3 * k + j, (w >> (8 * j)) & 255);
      }
      if (after - before < bestCost) {
        bestCost = after - before;
        best = k;
      }
    }
    for (let j = 0; j < TEDDY_WINDOW; j++) add(3 * best + j, (w >> (8 * j)) & 255);
    size[best] = size[best]! + ids.length;
    for (const li of ids) bucketOf[li] = best;
  }
  const masks = new Uint8Array(96);
  for (let k = 0; k < 8; k++) {
    for (let j = 0; j < TEDDY_WINDOW; j++) {
      for (let n = 0; n < 16; n++) {
        if (lo[3 * k + j]! & (1 << n)) masks[32 * j + n] = masks[32 * j + n]! | (1 << k);
        if (hi[3 * k + j]! & (1 << n)) masks[32 * j + 16 + n] = masks[32 * j + 16 + n]! | (1 << k);
      }
    }
  }
  const buckets = Array.from({ length: 8 }, (_, k) => ids.filter((li) => bucketOf[li] === k));
  return { offset, window, masks, buckets };
}

/** How likely a window (3 bytes, little-endian) is in log text. */
function windowWeight(w: number): number {
  return BYTE_WEIGHT[w & 255]! * BYTE_WEIGHT[(w >> 8) & 255]! * BYTE_WEIGHT[(w >> 16) & 255]!;
}
