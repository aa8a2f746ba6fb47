// Run with tsx by e2e/keys.spec.ts against the e2e server's database: what the end of a rotation's grace period
// does, without waiting an hour. The key's superseded secrets stop being valid one second ago, and its
// organization's keysVersion is bumped as every key change does, so the running server's verify cache reloads
// the key on its next poll (250 ms). Test data only.
import { createDb } from "../../lib/db/client";

const keyId = process.argv[2];
const db = createDb();
try {
  const key = await db.apiKey.findUniqueOrThrow({ where: { id: keyId } });
  const past = new Date(Date.now() - 1000);
  const { count } = await db.keySecret.updateMany({
    where: { keyId, supersededAt: { not: null }, validUntil: { gt: past } },
    data: { validUntil: past },
  });
  await db.organization.update({ where: { id: key.orgId }, data: { keysVersion: { increment: 1 } } });
  console.log(JSON.stringify({ ended: count }));
} finally {
  await db.$disconnect();
}
