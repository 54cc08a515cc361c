export const CASES: { name: string; kind: string }[];
export function findCase(name: string): { name: string; kind: string } | undefined;
