// Patterns as Elasticsearch query DSL bodies: a query_string over the message field holding the
// pattern's literals as phrases (any of them). Elasticsearch cannot run the line regex where it
// matters (its regexp query matches whole terms of analysed text or whole keyword values), so the
// body says so beside the query, with what else it cannot hold.

import type { LineQuery } from './query.js';

export interface ElasticsearchOptions {
  /** The field holding the log line (ECS: message). */
  field: string;
}

/** A phrase in Lucene query syntax. */
export function lucenePhrase(s: string): string {
  return `"${s.replace(/[\\"]/g, '\\$&')}"`;
}

/** The Lucene query string of a pattern's literals, or null when it has none. */
export function luceneQuery(q: LineQuery): string | null {
  return q.literals ? q.literals.map(lucenePhrase).join(' OR ') : null;
}

/** One pattern's search: a body for _search or _count, and what it leaves out. */
export interface ElasticsearchSearch {
  pattern: string;
  title: string;
  severity: string;
  not_expressed: string[];
  body: { query: { bool: { filter: { query_string: { query: string; default_field: string } }[] } } } | null;
}

/** The searches of the patterns (null body: the pattern has no literal). */
export function elasticsearchSearches(queries: LineQuery[], opts: ElasticsearchOptions): ElasticsearchSearch[] {
  return queries.map((q) => {
    const lucene = luceneQuery(q);
    const notes = [...q.notExpressed];
    if (q.regex) notes.unshift(`the line regex /${q.regex}/: a regexp query matches whole terms or keyword values, not a place inside a log line`);
    notes.push('phrases of analysed text: a literal that is part of a longer word (a class name without its package) may not match in a text field; a keyword or wildcard field matches substrings');
    return {
      pattern: q.pattern.id,
      title: q.pattern.title,
      severity: q.pattern.severity,
      not_expressed: notes,
      body: lucene ? { query: { bool: { filter: [{ query_string: { query: lucene, default_field: opts.field } }] } } } : null,
    };
  });
}
