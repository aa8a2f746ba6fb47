// A console transaction that reads, then writes, while the usage writer (another connection) commits in between:
// on SQLite it must commit, not fail with SQLITE_BUSY_SNAPSHOT (the dispatcher's claim did, under e2e load).
import { once } from "node:events";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { sqliteFilePath } from "@/lib/db-url";
import { setUpTestDb, testBackend } from "../support/db";

// The other writer: its own better-sqlite3 connection on its own thread, as the usage writer is.
const OTHER_WRITER = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.module);
const conn = new Database(workerData.file, { timeout: 5000 });
parentPort.postMessage("ready");
parentPort.on("message", () => {
  conn.prepare("INSERT INTO busy_probe (writer) VALUES ('usage writer')").run();
  parentPort.postMessage("written");
});
`;

describe.skipIf(testBackend !== "sqlite")("SQLite transactions", async () => {
  const { db, url } = await setUpTestDb();

  it("a transaction that reads, then writes, commits though another connection wrote in between", async () => {
    await db.$executeRawUnsafe("CREATE TABLE busy_probe (writer TEXT NOT NULL)");
    const other = new Worker(OTHER_WRITER, {
      eval: true,
      workerData: { file: sqliteFilePath(url), module: require.resolve("better-sqlite3") },
    });
    try {
      await once(other, "message");
      const written = new Promise((resolve) => other.once("message", resolve));
      await db.$transaction(async (tx) => {
        await tx.$queryRawUnsafe("SELECT count(*) FROM busy_probe");
        other.postMessage("write");
        // Begun DEFERRED, the other connection writes at once and this one's write below fails (stale snapshot);
        // begun IMMEDIATE, it waits for this transaction's lock, and this one goes on after the grace.
        await Promise.race([written, new Promise((resolve) => setTimeout(resolve, 500))]);
        await tx.$executeRawUnsafe("INSERT INTO busy_probe (writer) VALUES ('console')");
      });
      await written;
      const rows = await db.$queryRawUnsafe<{ writer: string }[]>("SELECT writer FROM busy_probe ORDER BY rowid");
      expect(rows.map((r) => r.writer)).toEqual(["console", "usage writer"]);
    } finally {
      await other.terminate();
    }
  });
});
