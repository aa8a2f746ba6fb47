// Run with tsx by e2e/key-owner-tags-disable.spec.ts against the e2e server's database: moves a disabled key's
// disabledAt 40 days back, so the review's "disabled for over 30 days" lists it without waiting. Test data only.
import { createDb } from "../../lib/db/client";

const keyId = process.argv[2];
const db = createDb();
try {
  const { count } = await db.apiKey.updateMany({
    where: { id: keyId, disabledAt: { not: null } },
    data: { disabledAt: new Date(Date.now() - 40 * 24 * 60 * 60 * 1000) },
  });
  console.log(JSON.stringify({ aged: count }));
} finally {
  await db.$disconnect();
}
