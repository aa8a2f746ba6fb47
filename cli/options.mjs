import { readFileSync } from "node:fs";
import { Option } from "commander";
import { CliError, EXIT } from "./errors.mjs";
import { FORMATS } from "./format.mjs";

export const EXPIRY_HELP = "90d | 30d | 1y | never | <n>d (1-365 days) | YYYY-MM-DD | ISO date-time";
const PRESETS = ["30d", "90d", "1y", "never"];
const DAY_MS = 86_400_000;

/** --expires as the API's { preset, customAt }; the server validates the date itself. */
export function expiryInput(text, now = Date.now()) {
  const value = String(text).trim();
  if (PRESETS.includes(value.toLowerCase())) return { preset: value.toLowerCase() };
  const days = /^(\d{1,3})d?$/.exec(value);
  if (days) {
    const n = Number(days[1]);
    if (n < 1 || n > 365) throw new CliError(`--expires: a number of days must be between 1 and 365 (got ${value})`, EXIT.VALIDATION);
    return { preset: "custom", customAt: new Date(now + n * DAY_MS).toISOString() };
  }
  return { preset: "custom", customAt: value };
}

/** "read:projects/**,write:deploys/*" → [{ action, resourceFilter }]; a bare action means all resources. */
export function scopesInput(values) {
  return values
    .flatMap((value) => value.split(","))
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const colon = part.indexOf(":");
      return colon === -1 ? { action: part, resourceFilter: "" } : { action: part.slice(0, colon), resourceFilter: part.slice(colon + 1) };
    });
}

/** --meta as a JSON value: inline JSON, or @path to read it from a file. The server checks it is an object ≤ 4 KB. */
export function metaInput(text) {
  const value = String(text);
  let json = value;
  if (value.startsWith("@")) {
    try {
      json = readFileSync(value.slice(1), "utf8");
    } catch (error) {
      throw new CliError(`--meta: cannot read ${value.slice(1)} (${error.code ?? "error"})`, EXIT.VALIDATION);
    }
  }
  try {
    return JSON.parse(json);
  } catch {
    throw new CliError(`--meta: not valid JSON; pass a JSON object such as '{"plan":"pro"}' or @file.json`, EXIT.VALIDATION);
  }
}

export function collect(value, previous = []) {
  return [...previous, value];
}

export function formatOptions(command, { markdown = true } = {}) {
  return command
    .addOption(new Option("--format <format>", "output format").choices(markdown ? FORMATS : ["table", "json"]).default("table"))
    .option("--json", "same as --format json");
}

export function formatOf(opts) {
  return opts.json ? "json" : opts.format;
}
