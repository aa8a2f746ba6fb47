import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "./keyward-server";

// A PostgreSQL cluster of the test's own (Debian's binaries, initdb into a temp dir, a free port), which the
// test may stop and start: the shared server on 5432 is used by everyone else's tests and is never touched.
// PostgreSQL refuses to run as root, so as root (CI) the cluster belongs to, and runs as, the postgres user.

const BIN_ROOT = "/usr/lib/postgresql";

function binDir(): string {
  const versions = existsSync(BIN_ROOT) ? readdirSync(BIN_ROOT).filter((v) => existsSync(path.join(BIN_ROOT, v, "bin", "initdb"))) : [];
  const latest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!latest) throw new Error(`PostgreSQL's server binaries are missing (no ${BIN_ROOT}/*/bin/initdb): apt-get install postgresql`);
  return path.join(BIN_ROOT, latest, "bin");
}

export interface PostgresCluster {
  /** postgresql://keyward@127.0.0.1:<port>/keyward (trust auth, the role may create databases). */
  url: string;
  port: number;
  stop(): void;
  start(): void;
  /** Stops the server and deletes its directory. */
  destroy(): void;
}

export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = binDir();
  const dir = mkdtempSync(path.join(tmpdir(), "keyward-pg-"));
  const data = path.join(dir, "data");
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  const run = (tool: string, args: string[]) => {
    const [command, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", path.join(bin, tool), ...args]] : [path.join(bin, tool), args];
    const res = spawnSync(command, argv, { encoding: "utf8", cwd: dir, timeout: 60_000 });
    if (res.status !== 0) throw new Error(`${tool} ${args.join(" ")} failed (${res.status}):\n${res.stdout}\n${res.stderr}`);
  };
  run("initdb", ["-D", data, "-U", "keyward", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
  // Unix socket in the cluster's own directory (not /var/run/postgresql, which the shared server uses).
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=16MB -c max_connections=40`;
  const start = () => run("pg_ctl", ["-D", data, "-o", options, "-l", path.join(dir, "log"), "-w", "-t", "30", "start"]);
  const stop = () => run("pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "30", "stop"]);
  start();
  run("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "keyward", "keyward"]);
  let running = true;
  return {
    url: `postgresql://keyward@127.0.0.1:${port}/keyward`,
    port,
    stop() {
      stop();
      running = false;
    },
    start() {
      start();
      running = true;
    },
    destroy() {
      try {
        if (running) stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
