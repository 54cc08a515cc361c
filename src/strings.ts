// Strings that outlive the record they were read from.

/**
 * A copy of `s` that holds its own characters: a slice of a record's text would keep the whole
 * record (V8 shares the parent string), for as long as whatever keeps the slice lives.
 */
export function own(s: string): string {
  // The concatenation is flattened into a new string before it is sliced: the slice's parent is
  // that copy, one character longer than `s`, not the record.
  return s.length < 13 ? s : (' ' + s).slice(1);
}
