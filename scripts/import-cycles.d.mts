// Types of scripts/import-cycles.mjs for the TypeScript test that drives it.
export type ImportGraph = Map<string, string[]>;
export const SRC_DIR: string;
export function importSpecifiers(text: string): string[];
export function importGraph(dir?: string): ImportGraph;
export function partOf(module: string): string;
export function partGraph(graph: ImportGraph): ImportGraph;
export function cycles(graph: ImportGraph): string[][];
export function cyclePath(graph: ImportGraph, scc: string[]): string;
