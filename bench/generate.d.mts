// Types of bench/generate.mjs for the TypeScript tests that generate logs with it.
export declare const INCIDENTS: string[];
/** Small deterministic PRNG (mulberry32): numbers in [0, 1). */
export declare function rng(seed: number): () => number;
export declare function generate(
  out: string,
  sizeMiB: number,
  opts?: { seed?: number; role?: 'tm' | 'jm'; density?: number; warnDensity?: number; traces?: number },
): Promise<string[]>;
