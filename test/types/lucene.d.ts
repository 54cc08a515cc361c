// The lucene query parser ships no types: what the export tests use of it.
declare module 'lucene' {
  const lucene: { parse(query: string): unknown; toString(ast: unknown): string };
  export default lucene;
}
