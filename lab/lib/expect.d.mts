export function checkReport(report: unknown, expect: Record<string, any>): string[];
