type GrowableCtor<T> = new (n: number) => T;

/** A typed array that doubles when full; `toArray()` returns a right-sized copy-free view. */
export class Growable<T extends Float32Array | Uint32Array | Float64Array> {
  private data: T;
  length = 0;

  constructor(
    private readonly Ctor: GrowableCtor<T>,
    capacity = 1024,
  ) {
    this.data = new Ctor(Math.max(16, capacity));
  }

  push(v: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = v;
  }

  push3(a: number, b: number, c: number): void {
    if (this.length + 3 > this.data.length) this.grow(this.length + 3);
    const d = this.data;
    d[this.length] = a;
    d[this.length + 1] = b;
    d[this.length + 2] = c;
    this.length += 3;
  }

  private grow(min: number): void {
    const next = new this.Ctor(Math.max(min, this.data.length * 2));
    next.set(this.data.subarray(0, this.length) as never);
    this.data = next;
  }

  /** The filled part (a view when full, else a trimmed copy). */
  toArray(): T {
    return (this.length === this.data.length ? this.data : this.data.slice(0, this.length)) as T;
  }
}
