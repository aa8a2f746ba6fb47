import { isDatabaseUnavailable } from "./unavailable-rule.mjs";

// Whether a failure means "the database could not be reached or dropped the connection" — worth a retry in a
// moment, answered 503 — rather than a fault in the request or the code: the rule is in unavailable-rule.mjs.
export { isDatabaseUnavailable };

/** A read the database could not answer: the caller answers 503 and the client retries. */
export class DatabaseUnavailableError extends Error {
  readonly code = "DATABASE_UNAVAILABLE";
  constructor(cause: unknown) {
    super("The database is unavailable", { cause });
  }
}
