// Starts `npm start`'s path on a fresh database for the e2e run, logging to a file the suite can read.
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync, rmSync } from "node:fs";
import path from "node:path";

const dir = process.env.E2E_DATA_DIR;
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const log = createWriteStream(path.join(dir, "server.log"));
const child = spawn(process.execPath, ["scripts/start.mjs"], {
  env: {
    ...process.env,
    DATABASE_URL: process.env.E2E_DATABASE_URL || `file:${path.join(dir, "keyward.db")}`,
    KEYWARD_DATA_DIR: dir,
    HOST: process.env.HOST || "127.0.0.1",
  },
  stdio: ["ignore", "pipe", "pipe"],
});
for (const stream of [child.stdout, child.stderr]) {
  stream.pipe(log, { end: false });
  stream.pipe(process.stdout);
}
const stop = (signal) => child.kill(signal);
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
child.on("exit", (code) => process.exit(code ?? 0));
