/**
 * A fixed-capacity FIFO: pushing into a full buffer drops the oldest item.
 * The host keeps the metric history of a run here, so a very long run costs
 * bounded memory while a reopened dashboard still gets everything retained.
 */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private size = 0;
  /** How many items were ever pushed (dropped ones included). */
  private pushed = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.items = new Array(capacity);
  }

  push(item: T): void {
    const end = (this.start + this.size) % this.capacity;
    this.items[end] = item;
    if (this.size < this.capacity) this.size++;
    else this.start = (this.start + 1) % this.capacity;
    this.pushed++;
  }

  get length(): number {
    return this.size;
  }

  get dropped(): number {
    return this.pushed - this.size;
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = new Array(this.size);
    for (let i = 0; i < this.size; i++) out[i] = this.items[(this.start + i) % this.capacity] as T;
    return out;
  }

  last(): T | undefined {
    return this.size === 0 ? undefined : this.items[(this.start + this.size - 1) % this.capacity];
  }

  clear(): void {
    this.items.fill(undefined);
    this.start = 0;
    this.size = 0;
    this.pushed = 0;
  }
}
