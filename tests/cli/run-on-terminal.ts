import { spawn } from "node:child_process";
import { CLI, ROOT } from "./run-cli";

export interface TerminalRun {
  code: number | null;
  /** Everything the terminal showed: stdout, stderr and the echo of what was typed, with \r\n lines. */
  screen: string;
}

/**
 * Runs `keyward <args>` on a real pseudo-terminal (util-linux `script`), so stdin and stderr are TTYs, and
 * types each answer only once its prompt is on the screen, as a person would.
 */
export function runOnTerminal(
  args: string[],
  { env, answers }: { env: Record<string, string>; answers: [prompt: string, answer: string][] },
): Promise<TerminalRun> {
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, CLI, ...args].map(quote).join(" ");
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qec", command, "/dev/null"], {
      cwd: ROOT,
      env: { NODE_ENV: "production", PATH: process.env.PATH, HOME: process.env.HOME, TERM: "dumb", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let screen = "";
    let searchFrom = 0;
    const pending = [...answers];
    const typeWhenAsked = () => {
      while (pending.length > 0) {
        const at = screen.indexOf(pending[0][0], searchFrom);
        if (at < 0) return;
        searchFrom = at + pending[0][0].length;
        child.stdin.write(`${pending.shift()![1]}\r`);
      }
    };
    child.stdout.on("data", (chunk) => {
      screen += chunk;
      typeWhenAsked();
    });
    child.stderr.on("data", (chunk) => (screen += chunk));
    // A prompt that never comes fails the test with what the screen showed, instead of hanging it.
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ code, screen });
    });
  });
}
