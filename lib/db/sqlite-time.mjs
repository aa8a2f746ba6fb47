// Prisma's SQLite adapter stores a DateTime as ISO-8601 text with "+00:00", not "Z": a time written or compared by
// plain SQL must take the same form to compare and sort alike. Plain JavaScript: the usage writer threads load it.

/** A time (a Date or epoch milliseconds) as Prisma's SQLite adapter stores it. */
export function sqliteTime(at) {
  return new Date(at).toISOString().replace("Z", "+00:00");
}
