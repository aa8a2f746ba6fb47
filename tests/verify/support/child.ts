import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export interface Child {
  process: ChildProcess;
  output: () => string;
  /** SIGTERM, then resolves with the exit code once the process is gone. */
  stop: () => Promise<number | null>;
}

const root = path.resolve(import.meta.dirname, "../../..");

/** Starts `node --import tsx <script>` and waits until its output matches `ready`. */
export function startChild(
  args: string[],
  env: Record<string, string | undefined>,
  ready: RegExp,
  timeoutMs = 60_000,
): Promise<Child & { match: RegExpExecArray }> {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${args.join(" ")} did not become ready:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ process: child, output: () => output, stop, match });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(" ")} exited (${code}) before it was ready:\n${output}`));
    });
  });
}
