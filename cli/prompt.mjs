import { createInterface } from "node:readline";

let lines;

// One reader for the whole run: piped answers ("yes\nCI key\n") arrive before they are asked for, and a
// second readline on the same stream would lose what the first one buffered.
function stdinLines() {
  if (lines) return lines;
  const queue = [];
  const waiting = [];
  let closed = false;
  const rl = createInterface({ input: process.stdin, terminal: false });
  rl.on("line", (line) => (waiting.length ? waiting.shift()(line) : queue.push(line)));
  rl.on("close", () => {
    closed = true;
    while (waiting.length) waiting.shift()(null);
  });
  lines = {
    /** @returns {Promise<string|null>} null at end of input */
    next: () =>
      queue.length ? Promise.resolve(queue.shift()) : closed ? Promise.resolve(null) : new Promise((resolve) => waiting.push(resolve)),
    close: () => rl.close(),
  };
  return lines;
}

/** Asks on stderr (stdout stays data) and reads one line from stdin; null when stdin has ended. */
export async function ask(question) {
  process.stderr.write(question);
  const answer = await stdinLines().next();
  if (answer === null) process.stderr.write("\n");
  return answer;
}

export function closePrompt() {
  lines?.close();
}

/** All of stdin as text (for revoke-leaked). */
export async function readAllStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}
