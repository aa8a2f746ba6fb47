import Database from "better-sqlite3";
import { providerOfDb, type Db } from "../db/client";
import { sqliteFilePath } from "../db-url";
import type { SecretRow } from "./cached-secret";

export interface OrgRow {
  id: string;
  keyPrefix: string;
  keysVersion: number;
  signingSecretEnc: string;
}

/** The three reads the key cache makes. */
export interface KeyStore {
  organizations(): Promise<OrgRow[]>;
  secretsByHash(hashes: readonly string[]): Promise<SecretRow[]>;
  /** Stored secret hashes after `cursor` in index order, at most `limit`. */
  hashPage(cursor: string, limit: number): Promise<string[]>;
  close(): void;
}

const secretRowSelect = {
  secretHash: true,
  supersededAt: true,
  validUntil: true,
  key: {
    select: {
      id: true,
      orgId: true,
      name: true,
      expiresAt: true,
      revokedAt: true,
      scopes: { select: { action: true, resourceFilter: true, position: true } },
      cidrs: { select: { cidr: true } },
    },
  },
} as const;

export function prismaKeyStore(db: Db): KeyStore {
  return {
    organizations: () => db.organization.findMany({ select: { id: true, keyPrefix: true, keysVersion: true, signingSecretEnc: true } }),
    secretsByHash: (hashes) => db.keySecret.findMany({ where: { secretHash: { in: [...hashes] } }, select: secretRowSelect }),
    hashPage: async (cursor, limit) =>
      (
        await db.keySecret.findMany({
          where: { secretHash: { gt: cursor } },
          select: { secretHash: true },
          orderBy: { secretHash: "asc" },
          take: limit,
        })
      ).map((r) => r.secretHash),
    close: () => {},
  };
}

const date = (value: string | number | null): Date | null => (value === null ? null : new Date(value));

const BUSY_RETRY_MS = 2;
const BUSY_GIVE_UP_MS = 2000;

// better-sqlite3 waits for a lock by sleeping the thread: with a busy timeout, a writer's commit (fsync) would
// stall every request in flight. So the timeout is 0 and a locked database is retried on a timer instead.
async function whenUnlocked<T>(read: () => T): Promise<T> {
  const start = Date.now();
  for (;;) {
    try {
      return read();
    } catch (error) {
      if ((error as { code?: string }).code !== "SQLITE_BUSY" || Date.now() - start > BUSY_GIVE_UP_MS) throw error;
      await new Promise((resolve) => setTimeout(resolve, BUSY_RETRY_MS));
    }
  }
}

/**
 * The same reads through prepared statements on a read-only better-sqlite3 connection. On SQLite, Prisma's
 * JavaScript engine costs far more CPU per query than the query itself, and that CPU is the request thread.
 */
export function sqliteKeyStore(url: string): KeyStore {
  const conn = new Database(sqliteFilePath(url), { readonly: true, fileMustExist: true, timeout: 0 });
  const orgs = conn.prepare(`SELECT "id", "keyPrefix", "keysVersion", "signingSecretEnc" FROM "Organization"`);
  const secret = conn.prepare(
    `SELECT s."secretHash", s."supersededAt", s."validUntil", k."id", k."orgId", k."name", k."expiresAt", k."revokedAt"
       FROM "KeySecret" s JOIN "ApiKey" k ON k."id" = s."keyId" WHERE s."secretHash" = ?`,
  );
  const scopes = conn.prepare(`SELECT "action", "resourceFilter", "position" FROM "KeyScope" WHERE "keyId" = ?`);
  const cidrs = conn.prepare(`SELECT "cidr" FROM "KeyCidr" WHERE "keyId" = ?`);
  const page = conn.prepare(`SELECT "secretHash" FROM "KeySecret" WHERE "secretHash" > ? ORDER BY "secretHash" LIMIT ?`).pluck();
  type Joined = {
    secretHash: string;
    supersededAt: string | null;
    validUntil: string | null;
    id: string;
    orgId: string;
    name: string;
    expiresAt: string | null;
    revokedAt: string | null;
  };
  return {
    organizations: () => whenUnlocked(() => orgs.all() as OrgRow[]),
    secretsByHash: (hashes) =>
      whenUnlocked(() => {
        const rows: SecretRow[] = [];
        // One read transaction, so the key, its scopes and CIDRs are one consistent snapshot.
        conn.transaction(() => {
          for (const hash of hashes) {
            const r = secret.get(hash) as Joined | undefined;
            if (!r) continue;
            rows.push({
              secretHash: r.secretHash,
              supersededAt: date(r.supersededAt),
              validUntil: date(r.validUntil),
              key: {
                id: r.id,
                orgId: r.orgId,
                name: r.name,
                expiresAt: date(r.expiresAt),
                revokedAt: date(r.revokedAt),
                scopes: scopes.all(r.id) as SecretRow["key"]["scopes"],
                cidrs: cidrs.all(r.id) as SecretRow["key"]["cidrs"],
              },
            });
          }
        })();
        return rows;
      }),
    hashPage: (cursor, limit) => whenUnlocked(() => page.all(cursor, limit) as string[]),
    close: () => conn.close(),
  };
}

export function keyStoreFor(db: Db, url: string | undefined): KeyStore {
  return providerOfDb(db) === "sqlite" && url ? sqliteKeyStore(url) : prismaKeyStore(db);
}
