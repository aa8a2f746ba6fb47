import Database from "better-sqlite3";
import pg from "pg";
import { providerOfDb, type Db } from "../db/client";
import { sqliteFilePath } from "../db-url";
import type { StoredLimits } from "../ratelimits/policy";
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

const limitsSelect = { rateLimits: true, quota: true, quotaRefill: true, quotaRefillAmount: true, quotaSetAt: true } as const;

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
      disabledAt: true,
      owner: true,
      meta: true,
      ...limitsSelect,
      tier: { select: limitsSelect },
      tags: { select: { tag: true } },
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
    `SELECT s."secretHash", s."supersededAt", s."validUntil", k."id", k."orgId", k."name", k."expiresAt", k."revokedAt",
            k."disabledAt", k."owner", k."meta", ${limitColumns("k")}, t."id" AS "tierId", ${limitColumns("t", "tier_")}
       FROM "KeySecret" s JOIN "ApiKey" k ON k."id" = s."keyId" LEFT JOIN "RateLimitTier" t ON t."id" = k."tierId"
      WHERE s."secretHash" = ?`,
  );
  const scopes = conn.prepare(`SELECT "action", "resourceFilter", "position" FROM "KeyScope" WHERE "keyId" = ?`);
  const cidrs = conn.prepare(`SELECT "cidr" FROM "KeyCidr" WHERE "keyId" = ?`);
  const tags = conn.prepare(`SELECT "tag" FROM "KeyTag" WHERE "keyId" = ?`);
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
    disabledAt: string | null;
    owner: string | null;
    meta: string;
    tierId: string | null;
  } & Record<string, string | number | null>;
  const limits = (r: Joined, prefix = ""): StoredLimits => ({
    rateLimits: r[`${prefix}rateLimits`] as string,
    quota: r[`${prefix}quota`] as number | null,
    quotaRefill: r[`${prefix}quotaRefill`] as string | null,
    quotaRefillAmount: r[`${prefix}quotaRefillAmount`] as number | null,
    quotaSetAt: date(r[`${prefix}quotaSetAt`]),
  });
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
                disabledAt: date(r.disabledAt),
                owner: r.owner,
                meta: r.meta,
                ...limits(r),
                tier: r.tierId === null ? null : limits(r, "tier_"),
                tags: tags.all(r.id) as SecretRow["key"]["tags"],
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

const LIMIT_COLUMNS = ["rateLimits", "quota", "quotaRefill", "quotaRefillAmount", "quotaSetAt"] as const;

function limitColumns(table: string, alias = ""): string {
  return LIMIT_COLUMNS.map((c) => `${table}."${c}"${alias ? ` AS "${alias}${c}"` : ""}`).join(", ");
}

function limitsJson(table: string): string {
  return LIMIT_COLUMNS.map((c) => `'${c}', ${c === "quotaSetAt" ? utc(`${table}."${c}"`) : `${table}."${c}"`}`).join(", ");
}

// TIMESTAMP(3) columns hold UTC (as Prisma writes them); `pg` would read them as local time.
const utc = (column: string) => `(${column} AT TIME ZONE 'UTC')`;

/**
 * The same reads with `pg` on a small pool of its own: a key, its scopes and CIDRs in one statement (one
 * snapshot). Prisma's engine takes several times the CPU and memory of the rows on the request thread, and
 * loading the 100,000 stored hashes through it held tens of MB of row objects at once.
 */
export function postgresKeyStore(url: string): KeyStore {
  const pool = new pg.Pool({
    connectionString: url,
    max: 2,
    connectionTimeoutMillis: Number(process.env.DATABASE_CONNECT_TIMEOUT_MS || 5000),
    application_name: "keyward-verify",
  });
  // A connection the server drops while idle is replaced by the next read.
  pool.on("error", () => {});
  type Joined = Omit<SecretRow, "key"> & { key: SecretRow["key"] };
  return {
    organizations: async () =>
      (await pool.query<OrgRow>(`SELECT "id", "keyPrefix", "keysVersion", "signingSecretEnc" FROM "Organization"`)).rows,
    secretsByHash: async (hashes) =>
      (
        await pool.query<Joined>(
          `SELECT s."secretHash", ${utc(`s."supersededAt"`)} AS "supersededAt", ${utc(`s."validUntil"`)} AS "validUntil",
             json_build_object('id', k."id", 'orgId', k."orgId", 'name', k."name",
               'expiresAt', ${utc(`k."expiresAt"`)}, 'revokedAt', ${utc(`k."revokedAt"`)},
               'disabledAt', ${utc(`k."disabledAt"`)}, 'owner', k."owner", 'meta', k."meta", ${limitsJson("k")},
               'tier', (SELECT json_build_object(${limitsJson("t")}) FROM "RateLimitTier" t WHERE t."id" = k."tierId"),
               'tags', COALESCE((SELECT json_agg(json_build_object('tag', t."tag")) FROM "KeyTag" t WHERE t."keyId" = k."id"), '[]'),
               'scopes', COALESCE((SELECT json_agg(json_build_object('action', c."action", 'resourceFilter', c."resourceFilter", 'position', c."position"))
                                   FROM "KeyScope" c WHERE c."keyId" = k."id"), '[]'),
               'cidrs', COALESCE((SELECT json_agg(json_build_object('cidr', c."cidr")) FROM "KeyCidr" c WHERE c."keyId" = k."id"), '[]')) AS "key"
           FROM "KeySecret" s JOIN "ApiKey" k ON k."id" = s."keyId" WHERE s."secretHash" = ANY($1::text[])`,
          [hashes],
        )
      ).rows.map((r) => ({
        ...r,
        key: {
          ...r.key,
          expiresAt: date(r.key.expiresAt as never),
          revokedAt: date(r.key.revokedAt as never),
          disabledAt: date(r.key.disabledAt as never),
          quotaSetAt: date(r.key.quotaSetAt as never),
          tier: r.key.tier && { ...r.key.tier, quotaSetAt: date(r.key.tier.quotaSetAt as never) },
        },
      })),
    hashPage: async (cursor, limit) =>
      (
        await pool.query<[string]>({
          text: `SELECT "secretHash" FROM "KeySecret" WHERE "secretHash" > $1 ORDER BY "secretHash" LIMIT $2`,
          values: [cursor, limit],
          rowMode: "array",
        })
      ).rows.map((r) => r[0]),
    close: () => void pool.end().catch(() => {}),
  };
}

export function keyStoreFor(db: Db, url: string | undefined): KeyStore {
  if (!url) return prismaKeyStore(db);
  return providerOfDb(db) === "sqlite" ? sqliteKeyStore(url) : postgresKeyStore(url);
}
