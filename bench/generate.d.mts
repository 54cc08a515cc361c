// Types of bench/generate.mjs for the TypeScript tests that generate logs with it.
export declare const INCIDENTS: string[];
export declare function generate(
  out: string,
  sizeMiB: number,
  opts?: { seed?: number; role?: 'tm' | 'jm'; density?: number; warnDensity?: number; traces?: number },
): Promise<string[]>;
