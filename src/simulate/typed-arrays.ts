/** Typed arrays that grow by doubling: the columns of the event store and the attempt log. */
export type Column = Uint8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

export function grown<T extends Column>(old: T, size: number): T {
  const next = new (old.constructor as new (length: number) => T)(size);
  next.set(old);
  return next;
}
