// Run with tsx by e2e/usage-audit-review.spec.ts against the e2e server's database (DATABASE_URL,
// KEYWARD_DATA_DIR): seeds the first-run organization with the demo keys and usage (once), then creates
// one more key whose secret the spec pastes as a "leak". Prints JSON on its last line. Test data only.
import { createKey } from "../../lib/api-keys/create-key";
import { createDb } from "../../lib/db/client";
import { generateSecret } from "../../lib/keys";
import { createKeySchema } from "../../lib/validations/key";
import { seedDemo } from "../../scripts/seed-demo";

const db = createDb();
try {
  const org = await db.organization.findFirstOrThrow({ orderBy: { createdAt: "asc" } });
  const admin = await db.membership.findFirstOrThrow({
    where: { orgId: org.id, role: "admin" },
    include: { user: true },
    orderBy: { createdAt: "asc" },
  });
  const actor = { type: "user" as const, id: admin.user.id, label: admin.user.email };
  // Other specs may have made keys already; the demo set is added once, beside them.
  if (!(await db.apiKey.findFirst({ where: { orgId: org.id, name: "Storefront web (prod)" } }))) {
    await seedDemo(db, { orgId: org.id, actor });
  }
  const name = `Leaky CI runner ${Date.now().toString(36)}`;
  // A user agent a spreadsheet would run as a formula: the CSV export must neutralize it.
  const by = { orgId: org.id, actor, meta: { ip: "203.0.113.99", userAgent: '=HYPERLINK("https://evil.example","x")' } };
  const { key, secret } = await createKey(
    db,
    by,
    createKeySchema.parse({ name, expiry: { preset: "30d" }, scopes: [{ action: "read", resourceFilter: "" }], cidrs: [] }),
  );
  const foreign = generateSecret({ prefix: "zz", env: "live" }).secret;
  console.log(JSON.stringify({ keyId: key.id, name, secret, foreign }));
} finally {
  await db.$disconnect();
}
