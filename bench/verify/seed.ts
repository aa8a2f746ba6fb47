// 100,000 keys in one organization, hashed with its real signing secret. Written with better-sqlite3
// prepared statements (the bench database is SQLite): through Prisma this alone took minutes.
import { randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import { newId } from "../../lib/ids";
import { generateSecret, hashSecret, newPublicId } from "../../lib/keys";
import { seal } from "../../lib/crypto/seal";

export const BENCH_PREFIX = "bn";
const CHUNK = 5000;
const iso = (d: Date) => d.toISOString().replace("Z", "+00:00");

type Row = Record<string, string | number | null>;

function inserter(conn: Database.Database, table: string, columns: string[]) {
  const statement = conn.prepare(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`);
  return (row: Row) => statement.run(...columns.map((c) => row[c] ?? null));
}

export interface SeededKeys {
  orgId: string;
  /** Secrets of keys usable from 127.0.0.1 (case b). */
  open: string[];
  /** Secrets of keys allowed only from 10.0.0.0/8 (case d). */
  walled: string[];
}

export function seedVerifyBench(file: string, masterKey: Buffer, total: number, openCount: number, walledCount: number): SeededKeys {
  const conn = new Database(file, { fileMustExist: true });
  const signingSecret = randomBytes(32);
  const orgId = newId("org");
  const now = new Date();
  inserter(conn, "Organization", ["id", "name", "slug", "keyPrefix", "signingSecretEnc", "createdAt", "keysVersion"])({
    id: orgId,
    name: "Bench",
    slug: `bench-${orgId.slice(-6).toLowerCase()}`,
    keyPrefix: BENCH_PREFIX,
    signingSecretEnc: seal(masterKey, signingSecret),
    createdAt: iso(now),
    keysVersion: 0,
  });
  const insertKey = inserter(conn, "ApiKey", ["id", "orgId", "name", "displayPrefix", "last4", "createdAt", "updatedAt", "expiresAt"]);
  const insertSecret = inserter(conn, "KeySecret", ["id", "keyId", "secretHash", "last4", "createdAt"]);
  const insertScope = inserter(conn, "KeyScope", ["id", "keyId", "position", "action", "resourceFilter"]);
  const insertCidr = inserter(conn, "KeyCidr", ["id", "keyId", "cidr", "family"]);
  const open: string[] = [];
  const walled: string[] = [];
  const expiresAt = iso(new Date(now.getTime() + 365 * 24 * 60 * 60 * 1000));
  for (let start = 0; start < total; start += CHUNK) {
    const keys: Row[] = [];
    const secrets: Row[] = [];
    const scopes: Row[] = [];
    const cidrs: Row[] = [];
    for (let i = start; i < Math.min(total, start + CHUNK); i++) {
      const generated = generateSecret({ prefix: BENCH_PREFIX, env: "live" });
      const id = newPublicId("key");
      const isWalled = i >= openCount && i < openCount + walledCount;
      if (i < openCount) open.push(generated.secret);
      if (isWalled) walled.push(generated.secret);
      keys.push({ id, orgId, name: `Service key ${i}`, displayPrefix: generated.displayPrefix, last4: generated.last4, createdAt: iso(now), updatedAt: iso(now), expiresAt: i % 3 ? expiresAt : null });
      secrets.push({ id: newId("sec"), keyId: id, secretHash: hashSecret(signingSecret, generated.secret), last4: generated.last4, createdAt: iso(now) });
      scopes.push({ id: newId("scp"), keyId: id, position: 0, action: "read", resourceFilter: "projects/**" });
      if (i % 2) scopes.push({ id: newId("scp"), keyId: id, position: 1, action: "write", resourceFilter: "projects/web/*" });
      // The CIDR that shuts out the load generator (127.0.0.1) for case d; other keys mostly allow loopback.
      if (isWalled) cidrs.push({ id: newId("cid"), keyId: id, cidr: "10.0.0.0/8", family: 4 });
      else if (i % 4 === 0) cidrs.push({ id: newId("cid"), keyId: id, cidr: "127.0.0.0/8", family: 4 }, { id: newId("cid"), keyId: id, cidr: "::1/128", family: 6 });
    }
    conn.transaction(() => {
      keys.forEach(insertKey);
      secrets.forEach(insertSecret);
      scopes.forEach(insertScope);
      cidrs.forEach(insertCidr);
    })();
  }
  conn.close();
  return { orgId, open, walled };
}
