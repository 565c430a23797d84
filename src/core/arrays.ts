// `a.push(...b)` passes every element of b as a call argument, and V8 throws RangeError (maximum call
// stack size) somewhere past 100,000 of them: one data load can hold more statements than that.

/** Appends every item of `items` to `target` without spreading them into call arguments. */
export function pushAll<T>(target: T[], items: readonly T[]): T[] {
  for (let i = 0; i < items.length; i++) target.push(items[i]!);
  return target;
}
