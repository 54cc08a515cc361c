// A rough model of how often each byte occurs in log text (English letters, spaces, digits,
// punctuation): the literal searches enter each literal by the part of it least likely in text.

/** How often a byte is expected in log text (a rough model: English letters, spaces, digits). */
export const BYTE_WEIGHT = (() => {
  const w = new Float64Array(256).fill(0.002);
  'etaoinshrdlcumwfgypbvkjxqz'.split('').forEach((c, i) => {
    w[c.charCodeAt(0)] = 0.08 * 0.87 ** i;
    w[c.toUpperCase().charCodeAt(0)] = 0.01 * 0.87 ** i;
  });
  w[32] = 0.15;
  for (let d = 48; d < 58; d++) w[d] = 0.03;
  for (const c of '.:-_[]/,=') w[c.charCodeAt(0)] = 0.01;
  return w;
})();
