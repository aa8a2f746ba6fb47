import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { SESSION_COOKIE } from "@/lib/auth/sessions";
import type { Db } from "@/lib/db/client";

// Calls into a running Keyward the way the console's own browser code does: server actions by their id
// (POST with Next-Action, the arguments encoded as React's encodeReply does for plain JSON), pages and
// route handlers by GET, each as a same-origin request carrying the session cookie of the role under test.

export const root = path.resolve(import.meta.dirname, "../..");

const SKIP_DIRS = new Set(["node_modules", "generated", ".git"]);

/** Every file under `dir` (relative to the checkout) whose name passes `match`; build output and dot-folders excluded. */
export function filesIn(dir: string, match: (file: string) => boolean): string[] {
  return readdirSync(path.join(root, dir)).flatMap((entry) => {
    const rel = path.posix.join(dir, entry);
    if (SKIP_DIRS.has(entry) || entry.startsWith(".")) return [];
    if (statSync(path.join(root, rel)).isDirectory()) return filesIn(rel, match);
    return match(rel) ? [rel] : [];
  });
}

export interface BuiltAction {
  id: string;
  file: string;
  name: string;
  /** A page whose worker holds the action, as a URL path to POST to. */
  pagePath: string;
}

/** The server actions the production build exposes, from Next's server-reference manifest. */
export function builtActions(): BuiltAction[] {
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  const manifest = JSON.parse(readFileSync(path.join(root, distDir, "server/server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { workers: Record<string, unknown>; filename: string; exportedName: string }>;
  };
  return Object.entries(manifest.node).map(([id, entry]) => {
    const worker = Object.keys(entry.workers).find((w) => w.endsWith("/page")) ?? Object.keys(entry.workers)[0];
    const pagePath =
      worker
        .replace(/^app/, "")
        .replace(/\/page$/, "")
        .replace(/\/\([^)]+\)/g, "")
        .replace(/\[[^\]]+\]/g, "x") || "/";
    return { id, file: entry.filename, name: entry.exportedName, pagePath };
  });
}

function browserHeaders(base: string, token: string | undefined, mode: "navigate" | "cors"): Record<string, string> {
  return {
    origin: base,
    "sec-fetch-site": "same-origin",
    "sec-fetch-mode": mode,
    "sec-fetch-dest": mode === "navigate" ? "document" : "empty",
    "user-agent": "keyward-matrix",
    ...(token ? { cookie: `${SESSION_COOKIE}=${token}` } : {}),
  };
}

export interface ActionReply {
  status: number;
  /** The action's ActionResult, or null when the reply carried none (a redirect, an error page). */
  result: { ok: boolean; code?: string; error?: string } | null;
  redirect: string | null;
  text: string;
}

function findResult(value: unknown): ActionReply["result"] {
  return value && typeof value === "object" && typeof (value as { ok?: unknown }).ok === "boolean"
    ? (value as ActionReply["result"])
    : null;
}

/** Calls a server action over HTTP with `args`; reads the ActionResult out of the RSC reply. */
export async function callAction(base: string, action: BuiltAction, token: string | undefined, args: unknown[]): Promise<ActionReply> {
  const res = await fetch(base + action.pagePath, {
    method: "POST",
    redirect: "manual",
    headers: {
      ...browserHeaders(base, token, "cors"),
      accept: "text/x-component",
      "next-action": action.id,
      "content-type": "text/plain;charset=UTF-8",
    },
    body: JSON.stringify(args),
  });
  const text = await res.text();
  // Row 0 of the RSC reply is {"a": <the action's return value, or "$@<row>" pointing at the row holding it>, …}.
  const rows = new Map(text.split("\n").map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1)] as const));
  let result: ActionReply["result"] = null;
  try {
    const head = JSON.parse(rows.get("0") ?? "null") as { a?: unknown } | null;
    const value = typeof head?.a === "string" && head.a.startsWith("$@") ? JSON.parse(rows.get(head.a.slice(2)) ?? "null") : head?.a;
    result = findResult(value);
  } catch {
    result = null;
  }
  return { status: res.status, result, redirect: res.headers.get("x-action-redirect"), text };
}

/** A GET as the browser sends it: a navigation for pages, a fetch for route handlers. */
export async function get(base: string, pathname: string, token: string | undefined, mode: "navigate" | "cors") {
  const res = await fetch(base + pathname, { redirect: "manual", headers: browserHeaders(base, token, mode) });
  return { status: res.status, location: res.headers.get("location"), text: await res.text(), type: res.headers.get("content-type") };
}

/** A request with no browser headers at all (curl, the CLI): what the management API sees. */
export async function plain(base: string, method: string, pathname: string, token: string | undefined) {
  const res = await fetch(base + pathname, {
    method,
    redirect: "manual",
    headers: { "content-type": "application/json", ...(token ? { cookie: `${SESSION_COOKIE}=${token}` } : {}) },
    body: method === "GET" ? undefined : "{}",
  });
  return { status: res.status, body: await res.text() };
}

const TABLES = [...readFileSync(path.join(root, "prisma/schema.prisma"), "utf8").matchAll(/^model (\w+) \{/gm)].map((m) => m[1]);

/** Every row of every table in the schema, as sorted JSON lines per table. */
export async function snapshot(db: Db): Promise<Record<string, string[]>> {
  const tables = await Promise.all(TABLES.map((table) => db.$queryRawUnsafe<Record<string, unknown>[]>(`SELECT * FROM "${table}"`)));
  return Object.fromEntries(
    tables.map((rows, i) => [
      TABLES[i],
      rows.map((row) => JSON.stringify(row, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))).sort(),
    ]),
  );
}

/**
 * Nothing changed between the two snapshots — except audit events that record the refusal itself (rows with an
 * `outcome` other than success), which the audit log may append.
 */
export function expectUnchanged(before: Record<string, string[]>, after: Record<string, string[]>, label: string) {
  const known = new Set(before.AuditEvent);
  const auditAfter = after.AuditEvent.filter((line) => {
    if (known.has(line)) return true;
    const outcome = (JSON.parse(line) as { outcome?: unknown }).outcome;
    return outcome === undefined || outcome === "success";
  });
  const afterKept: Record<string, string[]> = { ...after, AuditEvent: auditAfter };
  // Compared table by table as text first (thousands of rows by the end of the matrix); only the tables that differ
  // go through toEqual, for a readable diff.
  const same = (a: string[] = [], b: string[] = []) => a.length === b.length && a.every((line, i) => line === b[i]);
  const tables = [...new Set([...Object.keys(before), ...Object.keys(afterKept)])];
  const changed = tables.filter((table) => !same(before[table], afterKept[table]));
  const pick = (snap: Record<string, string[]>) => Object.fromEntries(changed.map((table) => [table, snap[table]]));
  expect(pick(afterKept), `${label}: the database changed`).toEqual(pick(before));
}
