// The one logger of the server, its console thread and the server-side code Next runs there: JSON lines on
// stdout (pino), level from LOG_LEVEL. Plain JavaScript so server/next-worker.mjs (no TypeScript loader) and
// the TypeScript side share it.
import { format } from "node:util";
import pino from "pino";
import { isDatabaseUnavailable } from "../db/unavailable-rule.mjs";

const LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
const wanted = (process.env.LOG_LEVEL || "info").toLowerCase();

// The console's thread runs each request in this context (server/next-worker.mjs), so every line logged while
// answering it carries its id. Shared through globalThis: Next's bundle loads its own copy of this module.
// Never created on the main thread, where the verify path would pay for async-context bookkeeping.
const requestContext = () => globalThis.keywardRequestContext?.getStore();

export const log = pino(
  {
    level: LEVELS.includes(wanted) ? wanted : "info",
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // Defence in depth: these names never carry anything worth a leaked credential.
    redact: {
      paths: ["password", "secret", "token", "authorization", "cookie", "*.password", "*.secret", "*.token", "*.authorization", "*.cookie"],
      censor: "[redacted]",
    },
    mixin() {
      const store = requestContext();
      return store ? { reqId: store.reqId } : {};
    },
  },
  // Synchronous writes: a line logged just before process.exit (or by a worker thread) is never lost; the
  // server logs a few lines per minute, not per request, at the default level.
  pino.destination({ dest: 1, sync: true }),
);

if (!LEVELS.includes(wanted)) log.warn(`LOG_LEVEL "${wanted}" is not one of ${LEVELS.join(", ")}; using info`);

// Next logs every page that failed with its stack: during an outage that is one stack per request, saying the
// same thing each time. Such errors (the rule of lib/db/unavailable-rule.mjs) are one short line instead.
/** The error as one short line when it only says the database is unreachable; null otherwise. */
function unreachable(err) {
  if (!isDatabaseUnavailable(err)) return null;
  const lines = String(err.message ?? "")
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return { type: err.name ?? "Error", code: err.code, message: lines[lines.length - 1] ?? err.code };
}

/** console.* as log lines: what libraries (Next.js, Prisma) print keeps the one format. */
export function routeConsoleToLog(logger = log) {
  const to =
    (level) =>
    (...args) => {
      const err = args.find((a) => a instanceof Error);
      const rest = err ? args.filter((a) => a !== err) : args;
      const msg = rest.length > 0 ? format(...rest) : err?.message;
      const short = err && unreachable(err);
      if (short) logger[level]({ database: short }, msg);
      else if (err) logger[level]({ err }, msg);
      else logger[level](msg);
    };
  console.log = to("info");
  console.info = to("info");
  console.warn = to("warn");
  console.error = to("error");
  console.debug = to("debug");
  console.trace = to("trace");
}
