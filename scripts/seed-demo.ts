// `npm run seed:demo`: fills an organization with ~25 realistic keys (created, edited, rotated and revoked
// through the key services, so the audit log is real too) and 30 days of usage. Refuses a database that
// already holds keys. Creates the organization and an admin when there is none (and prints the
// credentials), else fills the first organization. e2e calls seedDemo() through this script.
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import type { KeyActor } from "../lib/api-keys/actor";
import { createKey } from "../lib/api-keys/create-key";
import { editKey } from "../lib/api-keys/edit-key";
import { revokeKeyById } from "../lib/api-keys/revoke-key";
import { rotateKey } from "../lib/api-keys/rotate-key";
import { createDb, type Db } from "../lib/db/client";
import { bootstrapInstallation } from "../lib/setup/bootstrap";
import { rollupsFromEvents } from "../lib/usage/rollup";
import { createKeySchemaAt, editKeySchemaAt, type CreateKeyInput } from "../lib/validations/key";
import { keyTraffic, seededRandom, type DemoEvent, type TrafficProfile } from "./demo-traffic";

const DAY_MS = 24 * 60 * 60 * 1000;

interface DemoKey {
  input: CreateKeyInput;
  createdDaysAgo: number;
  traffic?: TrafficProfile;
  /** Days ago the key was revoked (through revokeKeyById). */
  revokedDaysAgo?: number;
  revokeReason?: string;
  rotatedDaysAgo?: number;
  edit?: { daysAgo: number; changes: Record<string, unknown> };
}

const ua = (name: string) => `${name} (+https://example.com)`;
const read = (resource: string): CreateKeyInput["scopes"][number] => ({ action: "read", resourceFilter: resource });

const DEMO_KEYS: DemoKey[] = [
  {
    input: {
      name: "Storefront web (prod)",
      expiry: { preset: "1y" },
      scopes: [read("catalog/**"), { action: "write", resourceFilter: "carts/**" }],
      cidrs: ["203.0.113.0/24"],
    },
    createdDaysAgo: 60,
    traffic: {
      perDay: 48,
      ips: ["203.0.113.10", "203.0.113.11", "203.0.113.42"],
      userAgent: ua("storefront/4.2"),
      requests: [
        ["read", "catalog/items"],
        ["read", "catalog/prices"],
        ["write", "carts/checkout"],
      ],
      denials: { INSUFFICIENT_SCOPE: 0.4 },
    },
  },
  {
    input: {
      name: "CI deploy pipeline",
      expiry: { preset: "90d" },
      scopes: [{ action: "write", resourceFilter: "builds/**" }],
      cidrs: ["198.51.100.0/24"],
    },
    createdDaysAgo: 35,
    traffic: {
      perDay: 22,
      ips: ["198.51.100.7", "198.51.100.8"],
      userAgent: ua("github-actions"),
      requests: [
        ["write", "builds/artifacts"],
        ["read", "builds/status"],
      ],
      denials: { MALFORMED: 0.3 },
    },
  },
  {
    input: {
      name: "Billing service",
      expiry: { preset: "1y" },
      scopes: [{ action: "admin", resourceFilter: "billing/**" }],
      cidrs: ["10.20.0.0/16"],
    },
    createdDaysAgo: 80,
    rotatedDaysAgo: 6,
    traffic: {
      perDay: 30,
      ips: ["10.20.3.14", "10.20.3.15"],
      userAgent: ua("billing-svc/2.8"),
      requests: [
        ["write", "billing/invoices"],
        ["read", "billing/customers"],
        ["admin", "billing/plans"],
      ],
    },
  },
  {
    input: { name: "Data warehouse export", expiry: { preset: "never" }, scopes: [read("")], cidrs: [] },
    createdDaysAgo: 200,
    traffic: {
      perDay: 8,
      ips: ["34.120.8.19"],
      userAgent: ua("airbyte/0.50"),
      requests: [
        ["read", "orders/daily"],
        ["read", "customers/export"],
      ],
    },
  },
  {
    input: { name: "Legacy mobile app", expiry: { preset: "never" }, scopes: [{ action: "*", resourceFilter: "" }], cidrs: [] },
    createdDaysAgo: 300,
    traffic: {
      perDay: 14,
      ips: ["100.64.12.9", "2001:db8:77::15", "192.0.2.200"],
      userAgent: ua("AcmeMobile/1.9 iOS"),
      requests: [
        ["read", "users/me"],
        ["write", "users/me/devices"],
      ],
      denials: { MALFORMED: 0.5 },
    },
  },
  {
    input: {
      name: "Partner: Northwind Logistics",
      expiry: { preset: "custom", customAt: "" },
      scopes: [read("shipments/**")],
      cidrs: ["2001:db8:1000::/48"],
    },
    createdDaysAgo: 50,
    traffic: {
      perDay: 12,
      ips: ["2001:db8:1000::20", "2001:db8:1000:4::9"],
      userAgent: ua("northwind-sync/3.1"),
      requests: [
        ["read", "shipments/open"],
        ["read", "shipments/tracking"],
      ],
      denials: { INSUFFICIENT_SCOPE: 0.3 },
    },
  },
  {
    input: { name: "Staging smoke tests", environment: "test", expiry: { preset: "30d" }, scopes: [read("")], cidrs: ["198.51.100.0/24"] },
    createdDaysAgo: 12,
    traffic: {
      perDay: 16,
      ips: ["198.51.100.30"],
      userAgent: ua("k6/0.49"),
      requests: [
        ["read", "health"],
        ["read", "catalog/items"],
      ],
    },
  },
  {
    input: { name: "Uptime monitor", expiry: { preset: "1y" }, scopes: [read("health")], cidrs: ["192.0.2.10", "192.0.2.11"] },
    createdDaysAgo: 120,
    traffic: { perDay: 24, ips: ["192.0.2.10", "192.0.2.11"], userAgent: ua("uptime-kuma/1.23"), requests: [["read", "health"]] },
  },
  {
    input: {
      name: "Support dashboard",
      expiry: { preset: "90d" },
      scopes: [read("customers/**"), read("orders/**")],
      cidrs: ["10.30.0.0/16"],
    },
    createdDaysAgo: 40,
    traffic: {
      perDay: 10,
      ips: ["10.30.1.5", "10.30.1.6", "10.30.2.40"],
      userAgent: ua("support-ui/5.0"),
      requests: [
        ["read", "customers/profile"],
        ["read", "orders/recent"],
      ],
      denials: { INSUFFICIENT_SCOPE: 0.5 },
    },
  },
  {
    input: { name: "Ops break-glass", expiry: { preset: "30d" }, scopes: [{ action: "*", resourceFilter: "" }], cidrs: ["10.0.0.0/8"] },
    createdDaysAgo: 3,
    traffic: { perDay: 1, ips: ["10.1.1.1"], userAgent: ua("curl/8.5"), requests: [["admin", "org/settings"]] },
  },
  {
    input: { name: "Old reporting job", expiry: { preset: "1y" }, scopes: [read("reports/**")], cidrs: ["10.40.0.0/16"] },
    createdDaysAgo: 150,
    traffic: {
      perDay: 4,
      ips: ["10.40.0.12"],
      userAgent: ua("cron-reporter/0.3"),
      requests: [["read", "reports/weekly"]],
      onlyDaysAgo: [140, 120, 101, 100],
    },
  },
  {
    input: {
      name: "Zapier integration (unused)",
      expiry: { preset: "1y" },
      scopes: [{ action: "write", resourceFilter: "leads/**" }],
      cidrs: [],
    },
    createdDaysAgo: 45,
  },
  {
    input: { name: "Slack bot (leaked)", expiry: { preset: "90d" }, scopes: [read("incidents/**")], cidrs: [] },
    createdDaysAgo: 70,
    revokedDaysAgo: 9,
    revokeReason: "Posted in a public Slack channel",
    traffic: { perDay: 9, ips: ["52.10.4.77"], userAgent: ua("slackbot-relay/1.0"), requests: [["read", "incidents/open"]] },
  },
  {
    input: { name: "Contractor: data migration", expiry: { preset: "90d" }, scopes: [read("customers/**")], cidrs: ["198.18.0.0/15"] },
    createdDaysAgo: 60,
    revokedDaysAgo: 20,
    revokeReason: "Contract ended",
    traffic: { perDay: 6, ips: ["198.18.4.2"], userAgent: ua("python-requests/2.31"), requests: [["read", "customers/export"]] },
  },
  {
    input: {
      name: "Q3 migration",
      expiry: { preset: "30d" },
      scopes: [{ action: "write", resourceFilter: "orders/**" }],
      cidrs: ["10.50.0.0/16"],
    },
    createdDaysAgo: 40,
    traffic: { perDay: 7, ips: ["10.50.0.9"], userAgent: ua("migrator/1.2"), requests: [["write", "orders/backfill"]] },
  },
  {
    input: { name: "Hackathon demo", expiry: { preset: "custom", customAt: "" }, scopes: [read("catalog/**")], cidrs: [] },
    createdDaysAgo: 25,
    traffic: { perDay: 5, ips: ["81.2.69.160"], userAgent: ua("node-fetch/3"), requests: [["read", "catalog/items"]] },
  },
  {
    input: {
      name: "Webhook relay",
      expiry: { preset: "90d" },
      scopes: [{ action: "write", resourceFilter: "webhooks/**" }],
      cidrs: ["0.0.0.0/0"],
    },
    createdDaysAgo: 30,
    traffic: { perDay: 18, ips: ["18.204.1.9", "54.80.3.3"], userAgent: ua("hookdeck/2"), requests: [["write", "webhooks/deliveries"]] },
  },
  {
    input: { name: "Search indexer", expiry: { preset: "1y" }, scopes: [read("catalog/**")], cidrs: ["10.60.0.0/16", "::/0"] },
    createdDaysAgo: 90,
    traffic: {
      perDay: 26,
      ips: ["10.60.2.2", "2001:db8:99::4"],
      userAgent: ua("indexer/7.1"),
      requests: [
        ["read", "catalog/items"],
        ["read", "catalog/categories"],
      ],
    },
  },
  {
    input: {
      name: "Analytics ingest",
      expiry: { preset: "90d" },
      scopes: [{ action: "write", resourceFilter: "events/**" }],
      cidrs: ["10.70.0.0/16"],
    },
    createdDaysAgo: 28,
    traffic: {
      perDay: 40,
      ips: ["10.70.8.1", "10.70.8.2", "10.70.8.3"],
      userAgent: ua("segment-forwarder/4"),
      requests: [
        ["write", "events/track"],
        ["write", "events/identify"],
      ],
    },
  },
  {
    input: {
      name: "Mobile backend (iOS)",
      expiry: { preset: "1y" },
      scopes: [read("users/*/profile"), { action: "write", resourceFilter: "users/*/devices" }],
      cidrs: ["10.80.0.0/16"],
    },
    createdDaysAgo: 100,
    traffic: {
      perDay: 20,
      ips: ["10.80.0.4"],
      userAgent: ua("ios-bff/3.3"),
      requests: [
        ["read", "users/42/profile"],
        ["write", "users/42/devices"],
      ],
    },
  },
  {
    input: {
      name: "Mobile backend (Android)",
      expiry: { preset: "1y" },
      scopes: [read("users/*/profile"), { action: "write", resourceFilter: "users/*/devices" }],
      cidrs: ["10.80.0.0/16"],
    },
    createdDaysAgo: 100,
    traffic: {
      perDay: 17,
      ips: ["10.80.0.5"],
      userAgent: ua("android-bff/3.3"),
      requests: [
        ["read", "users/7/profile"],
        ["write", "users/7/devices"],
      ],
    },
  },
  {
    input: {
      name: "Internal admin tool",
      expiry: { preset: "90d" },
      scopes: [{ action: "admin", resourceFilter: "" }],
      cidrs: ["10.0.0.0/8"],
    },
    createdDaysAgo: 15,
    traffic: {
      perDay: 6,
      ips: ["10.9.9.9"],
      userAgent: ua("retool"),
      requests: [
        ["admin", "org/settings"],
        ["read", "customers/profile"],
      ],
    },
  },
  {
    input: {
      name: "Terraform provider",
      expiry: { preset: "90d" },
      scopes: [{ action: "admin", resourceFilter: "infra/**" }],
      cidrs: ["198.51.100.0/24"],
    },
    createdDaysAgo: 55,
    edit: {
      daysAgo: 20,
      changes: {
        description: "Used by the platform team's Terraform runs",
        scopes: [
          { action: "admin", resourceFilter: "infra/**" },
          { action: "read", resourceFilter: "billing/plans" },
        ],
      },
    },
    traffic: {
      perDay: 5,
      ips: ["198.51.100.60"],
      userAgent: ua("terraform/1.7"),
      requests: [
        ["admin", "infra/dns"],
        ["read", "billing/plans"],
      ],
    },
  },
  {
    input: {
      name: "Email service",
      expiry: { preset: "1y" },
      scopes: [{ action: "write", resourceFilter: "messages/**" }],
      cidrs: ["10.90.0.0/16"],
    },
    createdDaysAgo: 65,
    traffic: { perDay: 15, ips: ["10.90.1.1"], userAgent: ua("mailer/6.0"), requests: [["write", "messages/send"]], probedLast24h: 34 },
  },
  {
    input: {
      name: "Inventory sync",
      expiry: { preset: "90d" },
      scopes: [read("inventory/**"), { action: "write", resourceFilter: "inventory/stock" }],
      cidrs: ["10.95.0.0/16"],
    },
    createdDaysAgo: 22,
    edit: { daysAgo: 10, changes: { cidrs: ["10.95.0.0/16", "10.96.0.0/16"] } },
    traffic: {
      perDay: 12,
      ips: ["10.95.0.3", "10.96.0.8"],
      userAgent: ua("inventory-sync/2.0"),
      requests: [
        ["read", "inventory/items"],
        ["write", "inventory/stock"],
      ],
      denials: { IP_NOT_ALLOWED: 0.2 },
    },
  },
];

// Custom expiries are relative to creation: Northwind runs for 180 days, the hackathon key for 10.
const CUSTOM_EXPIRY_DAYS: Record<string, number> = { "Partner: Northwind Logistics": 180, "Hackathon demo": 10 };

export interface SeedResult {
  keys: { id: string; name: string }[];
  events: number;
  rollups: number;
}

async function insertInChunks<T>(items: T[], size: number, insert: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += size) await insert(items.slice(i, i + size));
}

/** Fills `orgId` with the demo keys, their audit trail and 30 days of usage; `actor` is who "did" it all. */
export async function seedDemo(
  db: Db,
  { orgId, actor, now = new Date(), seed = 7 }: { orgId: string; actor: KeyActor["actor"]; now?: Date; seed?: number },
): Promise<SeedResult> {
  const rand = seededRandom(seed);
  const by: KeyActor = {
    orgId,
    actor,
    meta: { ip: "198.51.100.23", userAgent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) Firefox/125.0" },
  };
  const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY_MS - Math.floor(rand() * 3_600_000));
  const created: SeedResult["keys"] = [];
  const events: DemoEvent[] = [];

  for (const demo of DEMO_KEYS) {
    const createdAt = at(demo.createdDaysAgo);
    const customDays = CUSTOM_EXPIRY_DAYS[demo.input.name];
    const input = customDays
      ? {
          ...demo.input,
          expiry: { preset: "custom" as const, customAt: new Date(createdAt.getTime() + customDays * DAY_MS).toISOString() },
        }
      : demo.input;
    const { key } = await createKey(db, by, createKeySchemaAt(() => createdAt).parse(input), createdAt);
    created.push({ id: key.id, name: key.name });
    if (demo.edit) {
      const editAt = at(demo.edit.daysAgo);
      await editKey(db, by, editKeySchemaAt(() => editAt).parse({ keyId: key.id, ...demo.edit.changes }), editAt);
    }
    if (demo.rotatedDaysAgo !== undefined) await rotateKey(db, by, { keyId: key.id, grace: "24h" }, at(demo.rotatedDaysAgo));
    let stopsAt: Date | null = key.expiresAt ? new Date(key.expiresAt) : null;
    let stopCode: "REVOKED" | "EXPIRED" | null = stopsAt && stopsAt <= now ? "EXPIRED" : null;
    if (stopCode === null) stopsAt = null;
    if (demo.revokedDaysAgo !== undefined) {
      stopsAt = at(demo.revokedDaysAgo);
      stopCode = "REVOKED";
      await revokeKeyById(db, by, key.id, demo.revokeReason, stopsAt);
    }
    if (!demo.traffic) continue;
    const window = { from: new Date(now.getTime() - 30 * DAY_MS), now };
    const keyEvents = keyTraffic(
      rand,
      { orgId, keyId: key.id, createdAt, stopsAt, stopCode },
      demo.traffic,
      demo.traffic.onlyDaysAgo ? { from: createdAt, now } : window,
    );
    events.push(...keyEvents);
    // What the recorder keeps on the key: the last allowed request.
    const last = keyEvents.filter((e) => e.outcome === "OK").at(-1);
    if (last)
      await db.apiKey.update({
        where: { id: key.id },
        data: { lastUsedAt: last.at, lastUsedIp: last.ip, lastUsedUserAgent: last.userAgent },
      });
  }

  events.sort((a, b) => a.at.getTime() - b.at.getTime());
  const rollups = rollupsFromEvents(events);
  // Events and their rollups land together or not at all. Tens of thousands of rows: Prisma's default 5 s
  // for an interactive transaction is too short on a busy machine (it was, once, in the e2e suite).
  await db.$transaction(
    async (tx) => {
      await insertInChunks(events, 500, (data) => tx.usageEvent.createMany({ data }));
      await insertInChunks(rollups, 500, (data) => tx.usageRollup.createMany({ data }));
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
  return { keys: created, events: events.length, rollups: rollups.length };
}

async function main() {
  const db = createDb();
  try {
    const existing = await db.apiKey.count();
    if (existing > 0) {
      console.error(
        `seed:demo refuses to run: this database already holds ${existing} API key${existing === 1 ? "" : "s"}. It only fills an empty one (point DATABASE_URL at a fresh database).`,
      );
      process.exitCode = 1;
      return;
    }
    let org = await db.organization.findFirst({ orderBy: { createdAt: "asc" } });
    if (!org) {
      const password = randomBytes(12).toString("base64url");
      const email = "admin@example.com";
      await bootstrapInstallation(
        db,
        { orgName: "Acme Demo", keyPrefix: "acme", email, password },
        { ip: null, userAgent: "seed-demo", secure: false },
      );
      org = await db.organization.findFirstOrThrow({ orderBy: { createdAt: "asc" } });
      console.log(`Created organization "${org.name}" and its admin — sign in with:\n  email:    ${email}\n  password: ${password}`);
    }
    const admin = await db.membership.findFirst({
      where: { orgId: org.id, role: "admin" },
      include: { user: true },
      orderBy: { createdAt: "asc" },
    });
    if (!admin) throw new Error(`Organization "${org.name}" has no admin to act as`);
    const result = await seedDemo(db, { orgId: org.id, actor: { type: "user", id: admin.user.id, label: admin.user.email } });
    console.log(`Seeded "${org.name}": ${result.keys.length} keys, ${result.events} usage events, ${result.rollups} hourly rollups.`);
  } finally {
    await db.$disconnect();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await main();
}
