// The permission matrix: every server action (lib/actions/<domain>/*.ts) and route handler (app/**/route.ts)
// × every role and signed-out, from one table. Files are discovered on disk, so a new action or route without
// an entry here fails; each entry's permission is compared with the one the file declares; and the decision
// is exercised for real: real users, memberships and session tokens through loadSessionContext + authorize,
// the exact pair authedAction runs.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { authorize } from "@/lib/auth/authorize";
import { PERMISSIONS, ROLES, can, type Permission, type Role } from "@/lib/auth/permissions";
import { loadSessionContext } from "@/lib/auth/session-context";
import { setUpTestDb } from "../support/db";
import { createOrg } from "../support/fixtures";
import { addMember } from "../support/members";

type Who = Role | "signed-out";
const EVERYONE: Who[] = ["admin", "lead", "auditor", "signed-out"];

type Entry =
  // authedAction(permission, …): allowed exactly for `allow`; signed-out is always refused.
  | { auth: "session"; permission: Permission; allow: Role[] }
  // publicAction(…): no session needed (the input itself is the credential: password, invite token).
  | { auth: "public"; why: string }
  // Ends only the caller's own session; harmless for anyone.
  | { auth: "own-session"; why: string }
  // A bearer API key (management API); member roles do not apply, the key's scopes do (tested with the API).
  | { auth: "api-key" };

const ADMIN: Role[] = ["admin"];
const WRITERS: Role[] = ["admin", "lead"];
const ALL: Role[] = ["admin", "lead", "auditor"];

/** Server actions, by path under lib/actions/. */
export const ACTION_MATRIX: Record<string, Entry> = {
  "auth/accept-invite.ts": { auth: "public", why: "the single-use invite token plus the password it sets or proves" },
  "auth/setup-organization.ts": { auth: "public", why: "first run only; refused once installed" },
  "auth/sign-in.ts": { auth: "public", why: "email and password, throttled" },
  "account/change-password.ts": { auth: "session", permission: "account:manage", allow: ALL },
  "auth/sign-out.ts": { auth: "own-session", why: "deletes the caller's own session cookie's session" },
  "members/change-member-role.ts": { auth: "session", permission: "members:manage", allow: ADMIN },
  "members/invite-member.ts": { auth: "session", permission: "members:manage", allow: ADMIN },
  "members/remove-member.ts": { auth: "session", permission: "members:manage", allow: ADMIN },
  "members/revoke-invite.ts": { auth: "session", permission: "members:manage", allow: ADMIN },
  "orgs/create-organization.ts": { auth: "session", permission: "orgs:create", allow: ADMIN },
  "orgs/rename-organization.ts": { auth: "session", permission: "settings:manage", allow: ADMIN },
  "orgs/switch-organization.ts": { auth: "session", permission: "orgs:switch", allow: ALL },
  "settings/update-key-policy.ts": { auth: "session", permission: "settings:manage", allow: ADMIN },
  "keys/create-key.ts": { auth: "session", permission: "keys:create", allow: WRITERS },
  "keys/edit-key.ts": { auth: "session", permission: "keys:edit", allow: WRITERS },
  "keys/rotate-key.ts": { auth: "session", permission: "keys:rotate", allow: WRITERS },
  "keys/revoke-key.ts": { auth: "session", permission: "keys:revoke", allow: WRITERS },
  "keys/bulk-revoke-keys.ts": { auth: "session", permission: "keys:revoke", allow: WRITERS },
  "review/revoke-leaked-keys.ts": { auth: "session", permission: "keys:revoke", allow: WRITERS },
  "review/revoke-risky-key.ts": { auth: "session", permission: "keys:revoke", allow: WRITERS },
  // Read-only: matches pasted text against the organization's key hashes, changes nothing.
  "review/scan-leaked-text.ts": { auth: "session", permission: "review:read", allow: ALL },
};

/** Route handlers, by path under app/ (the API under api/, and any route handler beside a page). */
export const ROUTE_MATRIX: Record<string, Entry> = {
  "api/v1/keys/route.ts": { auth: "api-key" },
  "api/v1/keys/[id]/route.ts": { auth: "api-key" },
  "api/v1/keys/[id]/revoke/route.ts": { auth: "api-key" },
  "api/v1/keys/[id]/rotate/route.ts": { auth: "api-key" },
  "api/v1/keys/[id]/usage/route.ts": { auth: "api-key" },
  "api/v1/keys/revoke-leaked/route.ts": { auth: "api-key" },
  "api/v1/openapi.json/route.ts": { auth: "public", why: "the API description; no organization's data" },
  "api/bench/constant/route.ts": { auth: "public", why: "benchmark baseline, 404 unless KEYWARD_BENCH=1; touches no data" },
  "api/demo/echo/route.ts": { auth: "api-key" },
  "(console)/keys/[id]/activity/route.ts": { auth: "session", permission: "keys:read", allow: ALL },
  "(console)/audit/export/route.ts": { auth: "session", permission: "audit:read", allow: ALL },
  "(console)/usage/data/route.ts": { auth: "session", permission: "usage:read", allow: ALL },
};

const root = path.resolve(import.meta.dirname, "../..");

function filesUnder(dir: string, match: (file: string) => boolean): string[] {
  const abs = path.join(root, dir);
  let entries: string[];
  try {
    entries = readdirSync(abs, { recursive: true }) as string[];
  } catch {
    return [];
  }
  return entries
    .map((f) => f.split(path.sep).join("/"))
    .filter(match)
    .sort();
}

// Actions live one folder down (lib/actions/<domain>/<verb>.ts); the files beside them are the wrapper. A
// helper module there without "use server" exposes no endpoint (and could not: it would bundle for the client).
const actionFiles = filesUnder("lib/actions", (f) => f.includes("/") && f.endsWith(".ts") && !f.endsWith(".test.ts")).filter((f) =>
  /^\s*(\/\/[^\n]*\n\s*)*["']use server["']/.test(readFileSync(path.join(root, "lib/actions", f), "utf8")),
);
const routeFiles = filesUnder("app", (f) => f.endsWith("/route.ts"));

/** What a file declares: the authedAction permission(s), or the kind of wrapper it uses. */
function declared(source: string) {
  const permissions = [...source.matchAll(/authedAction\(\s*["']([a-z]+:[a-z]+)["']/g)].map((m) => m[1]);
  return {
    permissions,
    isPublic: /publicAction\(/.test(source),
    isApiKey: /apiRoute\(|authenticateApiKey\(|withKey\(/.test(source),
    permissionLiterals: [...source.matchAll(/["']([a-z]+:[a-z]+)["']/g)].map((m) => m[1]).filter((p) => p in PERMISSIONS),
  };
}

/** A route file with the lib/api/ handler modules it re-exports, where the wrapper (apiRoute) is applied. */
function routeSource(file: string): string {
  const source = readFileSync(path.join(root, "app", file), "utf8");
  const handlers = [...source.matchAll(/from\s+["']@\/lib\/api\/([\w-]+)["']/g)].map((m) => m[1]);
  return [source, ...handlers.map((h) => readFileSync(path.join(root, "lib/api", `${h}.ts`), "utf8"))].join("\n");
}

function expectedAllowed(entry: Entry, who: Who): boolean {
  if (entry.auth === "public" || entry.auth === "own-session") return true;
  if (entry.auth === "api-key") return false;
  return who !== "signed-out" && entry.allow.includes(who);
}

describe("every server action and API route has a matrix entry", () => {
  it("finds the action files", () => {
    expect(actionFiles.length).toBeGreaterThan(5);
  });

  it.each(actionFiles)("lib/actions/%s is in ACTION_MATRIX", (file) => {
    expect(ACTION_MATRIX[file], `add "${file}" to ACTION_MATRIX in tests/permissions/matrix.test.ts`).toBeDefined();
  });

  it.each(routeFiles.length ? routeFiles : ["(none yet)"])("app/%s is in ROUTE_MATRIX", (file) => {
    if (file === "(none yet)") return;
    expect(ROUTE_MATRIX[file], `add "${file}" to ROUTE_MATRIX in tests/permissions/matrix.test.ts`).toBeDefined();
  });

  it("lists no file that is not there", () => {
    expect(Object.keys(ACTION_MATRIX).filter((f) => !actionFiles.includes(f))).toEqual([]);
    expect(Object.keys(ROUTE_MATRIX).filter((f) => !routeFiles.includes(f))).toEqual([]);
  });
});

describe("each file declares what the matrix says", () => {
  it.each(actionFiles.filter((f) => ACTION_MATRIX[f]))("lib/actions/%s", (file) => {
    const entry = ACTION_MATRIX[file];
    const source = readFileSync(path.join(root, "lib/actions", file), "utf8");
    const found = declared(source);
    expect(source).toMatch(/^"use server";/);
    if (entry.auth === "session") {
      expect(found.permissions).toEqual([entry.permission]);
      expect(found.isPublic).toBe(false);
    } else if (entry.auth === "public") {
      expect(found.permissions).toEqual([]);
      expect(found.isPublic).toBe(true);
    } else if (entry.auth === "own-session") {
      expect(found.permissions).toEqual([]);
      expect(source).toMatch(/deleteSession\(db, await readSessionCookie\(\)\)/);
    }
  });

  it.each(routeFiles.filter((f) => ROUTE_MATRIX[f]))("app/%s", (file) => {
    const entry = ROUTE_MATRIX[file];
    const found = declared(routeSource(file));
    if (entry.auth === "api-key") expect(found.isApiKey).toBe(true);
    if (entry.auth === "session") {
      const source = routeSource(file);
      expect(source).toMatch(/getSessionContext\(\)/);
      expect(source).toContain(`can(ctx.role, "${entry.permission}")`);
      expect(found.isApiKey).toBe(false);
    }
    if (entry.auth === "public") expect(found.isApiKey || found.permissionLiterals.length > 0).toBe(false);
  });

  it("the table's allow lists agree with the role table (can)", () => {
    for (const entry of [...Object.values(ACTION_MATRIX), ...Object.values(ROUTE_MATRIX)]) {
      if (entry.auth !== "session") continue;
      for (const role of ROLES) expect(can(role, entry.permission), `${role} / ${entry.permission}`).toBe(entry.allow.includes(role));
    }
  });
});

describe("the decision, exercised with real sessions", async () => {
  const { db } = await setUpTestDb();
  const org = await createOrg(db, { name: "Matrix" });
  const tokens: Record<Who, string | undefined> = {
    admin: (await addMember(db, org.orgId, "admin")).token,
    lead: (await addMember(db, org.orgId, "lead")).token,
    auditor: (await addMember(db, org.orgId, "auditor")).token,
    "signed-out": undefined,
  };
  const cases = Object.entries({ ...ACTION_MATRIX, ...ROUTE_MATRIX })
    .filter(([, entry]) => entry.auth === "session")
    .flatMap(([file, entry]) => EVERYONE.map((who) => [file, who, expectedAllowed(entry, who)] as const));

  it.each(cases)("%s as %s → allowed: %s", async (file, who, allowed) => {
    const entry = (ACTION_MATRIX[file] ?? ROUTE_MATRIX[file]) as Extract<Entry, { auth: "session" }>;
    const ctx = await loadSessionContext(db, tokens[who]);
    const refusal = authorize(ctx, entry.permission);
    if (allowed) expect(refusal).toBeNull();
    else expect(refusal?.code).toBe(who === "signed-out" ? "UNAUTHENTICATED" : "FORBIDDEN");
  });

  it("a forged or expired token is signed out, and unknown permissions are refused", async () => {
    expect(await loadSessionContext(db, "forged-token")).toBeNull();
    const { token } = await addMember(db, org.orgId, "admin");
    const expired = await loadSessionContext(db, token, new Date(Date.now() + 8 * 24 * 60 * 60 * 1000));
    expect(expired).toBeNull();
    expect(can("admin", "keys:delete-everything" as Permission)).toBe(false);
    expect(can("owner", "keys:read")).toBe(false);
    expect(can(undefined, "keys:read")).toBe(false);
  });
});
