/**
 * A function's results remembered per string argument, at most `max` of them (all forgotten when full: the
 * hot path's inputs repeat, so the set refills at once). Only for pure functions of the argument.
 */
export function boundedMemo<T>(fn: (arg: string) => T, max: number): (arg: string) => T {
  const results = new Map<string, T>();
  return (arg) => {
    let result = results.get(arg);
    if (result === undefined) {
      result = fn(arg);
      if (results.size >= max) results.clear();
      results.set(arg, result);
    }
    return result;
  };
}
