// Run with tsx by e2e/two-factor.spec.ts against the e2e server's database: every spec signs in from 127.0.0.1, so
// the wrong passwords and codes earlier specs try on purpose add up on one per-address throttle. This clears it,
// as a fresh client address would start. Test data only.
import { createDb } from "../../lib/db/client";

const db = createDb();
try {
  const { count } = await db.loginThrottle.deleteMany({});
  console.log(JSON.stringify({ forgotten: count }));
} finally {
  await db.$disconnect();
}
