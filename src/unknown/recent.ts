// The groups seen last by the unknown-failure collector (groups.ts), newest last, none twice in a
// row: the ones a failure that follows marks as likelier causes. A ring of fixed size, so an
// occurrence costs no array shifted.

export class RecentRing<T> {
  private readonly slots: (T | null)[];
  /** The slot the next item goes to. */
  private end = 0;
  /** Slots filled. */
  private count = 0;

  constructor(private readonly size: number) {
    this.slots = new Array<T | null>(size).fill(null);
  }

  get length(): number {
    return this.count;
  }

  /** The i-th item, oldest first. */
  at(i: number): T {
    return this.slots[(this.end - this.count + i + this.size) % this.size]!;
  }

  /** Calls `f` with each item, in no particular order (the items fill slots 0 to length - 1). */
  each(f: (item: T) => void): void {
    for (let i = 0; i < this.count; i++) f(this.slots[i]!);
  }

  /** Adds an item, unless it is the newest already; the oldest goes when the ring is full. */
  push(item: T): void {
    if (this.count > 0 && this.at(this.count - 1) === item) return;
    this.slots[this.end] = item;
    this.end = (this.end + 1) % this.size;
    if (this.count < this.size) this.count++;
  }

  /**
   * Keeps the items `keep` accepts, in their order. Two that now follow each other stay both, as
   * in a list filtered: only push() refuses the newest again.
   */
  retain(keep: (item: T) => boolean): void {
    const kept: T[] = [];
    for (let i = 0; i < this.count; i++) if (keep(this.at(i))) kept.push(this.at(i));
    this.slots.fill(null);
    this.end = 0;
    this.count = 0;
    for (const item of kept) this.slots[this.count++] = item;
    this.end = this.count % this.size;
  }
}
