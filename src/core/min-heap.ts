// A binary min-heap of strings or numbers, compared with `<`: the order in which the manifest graph
// places ready changes (by id) and the shadow replay starts ready statements (by index).

/** A min-heap: `pop` returns the smallest value pushed and not yet popped. */
export class MinHeap<T extends string | number> {
  private readonly a: T[] = [];

  /** How many values it holds. */
  get size(): number {
    return this.a.length;
  }

  /** The smallest value, left in place; undefined when empty. */
  peek(): T | undefined {
    return this.a[0];
  }

  /** Adds a value. */
  push(x: T): void {
    const a = this.a;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= x) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = x;
  }

  /** Removes and returns the smallest value; undefined when empty. */
  pop(): T | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      // Sift the last value down from the root into the hole the top left.
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        const v = (k: number) => (k === i ? last : a[k]!);
        if (l < a.length && a[l]! < v(m)) m = l;
        if (r < a.length && a[r]! < v(m)) m = r;
        if (m === i) break;
        a[i] = a[m]!;
        i = m;
      }
      a[i] = last;
    }
    return top;
  }
}
