import Table from "cli-table3";

export const FORMATS = ["table", "json", "markdown"];

/** stdout is for data: everything a script might parse goes through here. */
export function out(text = "") {
  process.stdout.write(`${text}\n`);
}

let silent = false;

/** --silent: no progress or success messages, only data (and errors, warnings and what a prompt asks). */
export function setSilent(value) {
  silent = value;
}

export function isSilent() {
  return silent;
}

/** Notes and progress go to stderr so they never end up in a captured value. */
export function note(text = "") {
  if (!silent) process.stderr.write(`${text}\n`);
}

/** Warnings, and what a confirmation asks about: on stderr even with --silent, since they matter to the answer. */
export function warn(text = "") {
  process.stderr.write(`${text}\n`);
}

/** A success line ("✓ Revoked …"): stdout, left out with --silent. */
export function done(text = "") {
  if (!silent) out(text);
}

export function printJson(value) {
  out(JSON.stringify(value, null, 2));
}

function escapeMarkdown(cell) {
  return String(cell).replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/**
 * @param {"table"|"markdown"} format
 * @param {string[]} head
 * @param {(string|number)[][]} rows
 */
export function printTable(format, head, rows) {
  if (format === "markdown") {
    out(`| ${head.map(escapeMarkdown).join(" | ")} |`);
    out(`| ${head.map(() => "---").join(" | ")} |`);
    for (const row of rows) out(`| ${row.map(escapeMarkdown).join(" | ")} |`);
    return;
  }
  // No colours: the output is often piped, and colour codes would end up in files and CI logs.
  const table = new Table({
    head,
    style: { head: [], border: [] },
    // No rule between rows: compact, like `ls -l`, and easy to grep.
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  table.push(...rows.map((row) => row.map(String)));
  out(table.toString());
}

export function day(iso) {
  return iso ? iso.slice(0, 10) : "never";
}

const UNITS = [
  ["year", 365 * 86_400_000],
  ["month", 30 * 86_400_000],
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/** "2 hours ago", "in 84 days", "just now". */
export function relative(iso, now = Date.now()) {
  if (!iso) return "never";
  const delta = new Date(iso).getTime() - now;
  const abs = Math.abs(delta);
  for (const [unit, ms] of UNITS) {
    if (abs >= ms) {
      const n = Math.floor(abs / ms);
      const text = `${n} ${unit}${n === 1 ? "" : "s"}`;
      return delta < 0 ? `${text} ago` : `in ${text}`;
    }
  }
  return "just now";
}

export function scopeText(scope) {
  return scope.resourceFilter ? `${scope.action}:${scope.resourceFilter}` : scope.action;
}

export function scopesText(scopes) {
  return scopes.map(scopeText).join(",");
}

export function cidrsText(cidrs) {
  const all = cidrs.length === 0 || (cidrs.includes("0.0.0.0/0") && cidrs.includes("::/0") && cidrs.length === 2);
  return all ? "any address" : cidrs.join(", ");
}

export function expiresText(key) {
  if (!key.expiresAt) return "never";
  return `${day(key.expiresAt)} (${key.status === "expired" ? "expired " : ""}${relative(key.expiresAt)})`;
}

export function count(n) {
  return n.toLocaleString("en-US");
}
