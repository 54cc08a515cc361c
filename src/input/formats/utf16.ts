// UTF-16 logs (Windows tools write them), recognised by a byte order mark or by the zero bytes of
// ASCII text, decoded to UTF-8 and expanded in turn.

import type { ExpandOptions, ExpandStream, Member } from '../expand.js';

/** The members of UTF-16 text: the text as UTF-8, expanded in turn, marked with its encoding. */
export async function* utf16Members(name: string, src: AsyncIterable<Buffer>, encoding: 'utf-16le' | 'utf-16be', opts: ExpandOptions, depth: number, expand: ExpandStream): AsyncGenerator<Member> {
  for await (const m of expand(name, decodeUtf16(src, encoding), opts, depth + 1)) {
    m.format ??= encoding;
    yield m;
  }
}

/**
 * UTF-16 from a byte order mark, or from the zero bytes ASCII text has in every other place
 * (at odd offsets for little-endian, even ones for big-endian); null otherwise.
 */
export function utf16Of(head: Buffer): 'utf-16le' | 'utf-16be' | null {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  const n = Math.min(head.length, 4096) & ~1;
  if (n < 16) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenZero++;
    if (head[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.6 && evenZero < pairs * 0.05) return 'utf-16le';
  if (evenZero > pairs * 0.6 && oddZero < pairs * 0.05) return 'utf-16be';
  return null;
}

/** UTF-16 text as UTF-8 (the byte order mark dropped, unpaired surrogates replaced). */
async function* decodeUtf16(src: AsyncIterable<Buffer>, encoding: 'utf-16le' | 'utf-16be'): AsyncGenerator<Buffer> {
  const decoder = new TextDecoder(encoding);
  for await (const b of src) {
    const text = decoder.decode(b, { stream: true });
    if (text.length > 0) yield Buffer.from(text, 'utf8');
  }
  const rest = decoder.decode();
  if (rest.length > 0) yield Buffer.from(rest, 'utf8');
}
