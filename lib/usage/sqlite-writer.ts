import { sqliteFilePath } from "../db-url";
import { threadUsageWriter, type ThreadUsageWriter } from "./writer-thread";

/**
 * Writes batches on a worker thread with its own better-sqlite3 connection, in one transaction each. On
 * SQLite a commit blocks until the disk confirms it, and every row costs CPU in the B-trees of its indexes:
 * both would otherwise stall every verification in flight.
 */
export function sqliteUsageWriter(url: string, busyTimeoutMs = 5000): ThreadUsageWriter {
  return threadUsageWriter(new URL("./sqlite-writer-worker.mjs", import.meta.url), { file: sqliteFilePath(url), busyTimeoutMs });
}
