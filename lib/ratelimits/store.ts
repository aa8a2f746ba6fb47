export interface CounterRow {
  keyId: string;
  bucket: string;
  delta: number;
  expiresAt: number;
}

/** Where every instance's counts meet: atomic increments that return the sum (thread-store.ts). */
export interface CounterStore {
  /** Adds each row's delta (0 only reads) and returns every row's count after the addition, in the same order. */
  add(rows: readonly CounterRow[]): Promise<number[]>;
  read(keyId: string, buckets: readonly string[]): Promise<Map<string, number>>;
  prune(now: number): Promise<void>;
  close?(): Promise<void>;
}
