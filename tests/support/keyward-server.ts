import { serverBundlePath } from "../../scripts/build-server.mjs";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

// The real server for HTTP-level tests (management API, CLI): `npm start`'s path (scripts/start.mjs), which
// migrates, builds the app when sources changed since the last build in NEXT_DIST_DIR, and serves it.
// Test files run in parallel, so starting is serialized by a lock: the first one builds if needed, the
// others then find the build fresh. CI builds `.next` once here and the e2e suite reuses it.

const ROOT = path.resolve(import.meta.dirname, "../..");
const START_TIMEOUT_MS = 15 * 60_000;

export interface KeywardServer {
  url: string;
  /** KEYWARD_DATA_DIR of the server: its master key, and its database when started without DATABASE_URL. */
  dataDir: string;
  /** The server process (scripts/start.mjs imports the compiled server into itself), e.g. to read its memory. */
  pid: number;
  /** Everything the server printed, for failure messages. */
  output(): string;
  /**
   * SIGTERM, then the same server again: same port, data directory and environment (a restart of one instance). It
   * runs the compiled server at once, without the migrate and build steps start.mjs takes first (both are current).
   */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function withStartLock<T>(distDir: string, fn: () => Promise<T>): Promise<T> {
  const lock = path.join(ROOT, `${distDir}.test-start.lock`);
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, "pid"), String(process.pid));
      break;
    } catch {
      let owner = 0;
      try {
        owner = Number(readFileSync(path.join(lock, "pid"), "utf8"));
      } catch {
        // The owner is between mkdir and writing its pid.
      }
      if (owner && !alive(owner)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lock}`);
      else await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Resolves once the server prints that it is ready; `from`: where this start's output begins (after a restart). */
function waitForReady(child: ChildProcess, output: () => string, from: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Keyward did not start in time:\n${output()}`)), START_TIMEOUT_MS);
    const check = () => {
      if (output().includes("Keyward ready on", from)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Keyward exited with ${code} before it was ready:\n${output()}`));
    });
  });
}

/** Builds the app into NEXT_DIST_DIR (default .next) unless the build is fresh; one test file at a time. */
export async function ensureAppBuilt(): Promise<void> {
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  await withStartLock(distDir, async () => {
    const res = spawnSync(process.execPath, ["scripts/build-if-stale.mjs"], {
      cwd: ROOT,
      env: { ...process.env, NEXT_DIST_DIR: distDir },
      encoding: "utf8",
    });
    if (res.status !== 0) throw new Error(`next build failed:\n${res.stdout}\n${res.stderr}`);
  });
}

/**
 * Starts Keyward on a free port against `databaseUrl` (already migrated and seeded by the caller), or, with
 * `null`, without DATABASE_URL: the default database in the server's own data directory.
 */
export async function startKeyward({
  databaseUrl,
  env = {},
}: {
  databaseUrl: string | null;
  env?: Record<string, string>;
}): Promise<KeywardServer> {
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  const dataDir = mkdtempSync(path.join(tmpdir(), "keyward-server-"));
  const port = await freePort();
  let log = "";
  const output = () => log;
  const launch = async (args: string[]) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    delete childEnv.DATABASE_URL;
    const from = log.length;
    const started = spawn(process.execPath, args, {
      cwd: ROOT,
      env: {
        ...childEnv,
        NODE_ENV: "production",
        NEXT_DIST_DIR: distDir,
        ...(databaseUrl === null ? {} : { DATABASE_URL: databaseUrl }),
        KEYWARD_DATA_DIR: dataDir,
        PORT: String(port),
        HOST: "127.0.0.1",
        KEYWARD_QUIET: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    started.stdout.on("data", (chunk) => (log += chunk));
    started.stderr.on("data", (chunk) => (log += chunk));
    await waitForReady(started, output, from);
    return started;
  };
  // The first start may build the app: one test file at a time (see withStartLock).
  let child = await withStartLock(distDir, () => launch(["scripts/start.mjs"]));
  const terminate = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    get pid() {
      return child.pid!;
    },
    output,
    restart: async () => {
      await terminate();
      child = await launch([serverBundlePath(distDir)]);
    },
    stop: async () => {
      await terminate();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
