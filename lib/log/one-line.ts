import { errorMessage } from "../error-message";

/**
 * One readable line for a log of anything thrown. Prisma's messages open with a blank line and an
 * "Invalid `prisma.x.y()` invocation:" preamble and end with the cause, so for them the last line is the one
 * that says what happened; the error's code (P2034, SQLITE_BUSY, ECONNREFUSED…) goes first when it has one.
 */
export function oneLine(error: unknown): string {
  const lines = errorMessage(error)
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  const line = (lines[0]?.startsWith("Invalid `") ? lines.at(-1) : lines[0]) ?? "";
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  const prefix = typeof code === "string" && code && !line.includes(code) ? `${code}: ` : "";
  return `${prefix}${line}` || "unknown error";
}
