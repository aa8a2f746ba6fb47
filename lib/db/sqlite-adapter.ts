import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type Database from "better-sqlite3";

/**
 * Prisma's SQLite adapter, with every transaction begun IMMEDIATE. The adapter begins them DEFERRED: a transaction
 * that reads and then writes holds only a snapshot until its first write, and if the usage writer (its own
 * connection, on the verification thread) commits in between, that write fails at once with SQLITE_BUSY_SNAPSHOT —
 * no busy timeout can help, the snapshot is stale. Under verification load that failed the outbox dispatcher's claim
 * and, as rarely, any console action that reads before it writes. IMMEDIATE takes the write lock at BEGIN, where a
 * writer busy elsewhere is waited for (the busy timeout) instead.
 */
export class SqliteAdapter extends PrismaBetterSQLite3 {
  override async connect() {
    const adapter = await super.connect();
    const client = (adapter as unknown as { client?: Database.Database }).client;
    // The adapter's connection is not part of its typed API: fail loudly if an upgrade moves it.
    if (typeof client?.prepare !== "function") throw new Error("@prisma/adapter-better-sqlite3: no client to begin IMMEDIATE on");
    const prepare = client.prepare.bind(client);
    client.prepare = (source: string) => prepare(source === "BEGIN" ? "BEGIN IMMEDIATE" : source);
    return adapter;
  }
}
