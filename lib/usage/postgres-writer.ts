import { threadUsageWriter, type ThreadUsageWriter } from "./writer-thread";

/**
 * Writes batches on a worker thread with its own PostgreSQL connection (`pg`), one transaction each: building
 * and sending thousands of rows would otherwise take the request thread's CPU, and Prisma's query engine takes
 * several times what the rows themselves cost.
 */
export function postgresUsageWriter(
  url: string,
  connectTimeoutMs = Number(process.env.DATABASE_CONNECT_TIMEOUT_MS || 5000),
): ThreadUsageWriter {
  return threadUsageWriter(new URL("./postgres-writer-worker.mjs", import.meta.url), { url, connectTimeoutMs });
}
