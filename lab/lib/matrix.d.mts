export const MATRIX_START: string;
export const MATRIX_END: string;
export function matrixMarkdown(cases: { name: string; kind: string }[], captures: { case: string; flink: string; expect: Record<string, any>; ok: boolean }[]): string;
export function withMatrix(readme: string, matrix: string): string | null;
