// Whether a failure means "the database could not be reached or dropped the connection" — worth a retry in a
// moment, answered 503 — rather than a fault in the request or the code. Recognises the errors of `pg`, of
// Prisma's driver adapters (and the P1xxx codes Prisma gives them) and of better-sqlite3. Plain JavaScript, so the
// logger (lib/log/logger.mjs) applies the same rule as the code that answers 503.

const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);
// SQLSTATE: 08xxx connection exceptions; 57P01–57P03 the server shutting down or starting; 53300 too many connections.
const SQLSTATE = /^(08...|57P0[123]|53300)$/;
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2037"]);
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
const SQLITE_CODES = new Set(["SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_FULL", "SQLITE_READONLY", "SQLITE_BUSY"]);
const MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Can't reach database server/;

/** @param {unknown} error */
export function isDatabaseUnavailable(error, depth = 0) {
  if (typeof error !== "object" || error === null || depth > 4) return false;
  const e = /** @type {any} */ (error);
  const code = typeof e.code === "string" ? e.code : "";
  const original = typeof e.originalCode === "string" ? e.originalCode : "";
  if (SOCKET_CODES.has(code) || SQLSTATE.test(code) || SQLSTATE.test(original) || PRISMA_CODES.has(code) || SQLITE_CODES.has(code))
    return true;
  if (typeof e.kind === "string" && ADAPTER_KINDS.has(e.kind)) return true;
  if (typeof e.message === "string" && MESSAGES.test(e.message)) return true;
  return isDatabaseUnavailable(e.meta?.driverAdapterError, depth + 1) || isDatabaseUnavailable(e.cause, depth + 1);
}
