// Before anything else starts: the data directory (and an SQLite database's directory) must take writes — the
// database, the master key and usage spilled during an outage live there. A read-only or full disk stops the
// start here with a named error and its own exit code, not a stack trace from deep inside a migration.
import { closeSync, fsyncSync, mkdirSync, openSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";

export const DATA_DIR_EXIT = { KEYWARD_DATA_DIR_NOT_WRITABLE: 73, KEYWARD_DISK_FULL: 74 };

const PROBE_BYTES = 1024 * 1024;
const NOT_WRITABLE = new Set(["EACCES", "EPERM", "EROFS", "ENOTDIR", "EEXIST"]);
const FULL = new Set(["ENOSPC", "EFBIG", "EDQUOT"]);

/** Returns null when `dir` takes a 1 MiB write, else { code, exitCode, message }. */
export function checkWritableDir(dir, what) {
  const file = path.join(dir, `.keyward-write-check-${process.pid}`);
  let fd = null;
  try {
    mkdirSync(dir, { recursive: true });
    fd = openSync(file, "w", 0o600);
    // A write near the limit is short before it fails: keep writing until all of it is there.
    const probe = Buffer.alloc(PROBE_BYTES);
    for (let done = 0; done < PROBE_BYTES;) done += writeSync(fd, probe, done);
    fsyncSync(fd);
    return null;
  } catch (error) {
    const errno = error?.code ?? "";
    if (FULL.has(errno)) {
      return {
        code: "KEYWARD_DISK_FULL",
        exitCode: DATA_DIR_EXIT.KEYWARD_DISK_FULL,
        message: `${what} ${dir} has no room for 1 MiB more (${errno}): free some space, or point it at another disk.`,
      };
    }
    if (NOT_WRITABLE.has(errno)) {
      return {
        code: "KEYWARD_DATA_DIR_NOT_WRITABLE",
        exitCode: DATA_DIR_EXIT.KEYWARD_DATA_DIR_NOT_WRITABLE,
        message: `${what} ${dir} cannot be written (${errno}): Keyward keeps its database, master key and usage spill there. Make it writable by this user, or set KEYWARD_DATA_DIR.`,
      };
    }
    throw error;
  } finally {
    if (fd !== null) closeSync(fd);
    try {
      unlinkSync(file);
    } catch {
      // Never created.
    }
  }
}

/** The data directory and, on SQLite, the database file's directory. */
export function dataDirsToCheck(env = process.env) {
  const dataDir = path.resolve(env.KEYWARD_DATA_DIR?.trim() || "data");
  const url = env.DATABASE_URL?.trim() || `file:${dataDir}/keyward.db`;
  const dirs = [["The data directory (KEYWARD_DATA_DIR)", dataDir]];
  if (url.startsWith("file:")) {
    const dbDir = path.dirname(path.resolve(url.replace(/^file:/, "")));
    if (dbDir !== dataDir) dirs.push(["The SQLite database's directory (DATABASE_URL)", dbDir]);
  }
  return dirs;
}
