// What a bench run promises, checked: every target a section prints is recorded here, and `npm run bench` exits
// non-zero when any was missed, so a bench run can gate a change. A result of the wrong size means the bench
// measured something else than it says; that stops the run at once.
const missed: string[] = [];

/** Records a target's outcome; returns the word to print beside it. */
export function target(label: string, met: boolean): "met" | "MISSED" {
  if (!met) missed.push(label);
  return met ? "met" : "MISSED";
}

/** The targets missed so far, in the order they were checked. */
export function missedTargets(): readonly string[] {
  return missed;
}

/** Throws unless a result the bench relies on has exactly the expected size. */
export function expectSize(what: string, actual: number | bigint, expected: number): void {
  if (Number(actual) !== expected)
    throw new Error(`bench: ${what} is ${actual}, expected ${expected}: the figures would not mean what they say`);
}

/** For a section run on its own: exit 1 if it missed a target. */
export function exitOnMiss(): void {
  if (missed.length === 0) return;
  console.error(`\nMISSED ${missed.length} target(s):\n${missed.map((m) => `  - ${m}`).join("\n")}`);
  process.exit(1);
}
