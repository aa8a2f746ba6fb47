// Run with tsx by e2e/step-up-sessions-reset.spec.ts against the e2e server's database: makes every session of
// one account look as if its last proof of identity (sign-in or step-up) was two days ago, so the next dangerous
// action asks for a step-up without the test waiting out the window. Test data only.
import { createDb } from "../../lib/db/client";

const email = process.argv[2];
const db = createDb();
try {
  const user = await db.user.findUniqueOrThrow({ where: { email } });
  const { count } = await db.session.updateMany({
    where: { userId: user.id },
    data: { reauthenticatedAt: new Date(Date.now() - 2 * 24 * 60 * 60 * 1000) },
  });
  console.log(JSON.stringify({ aged: count }));
} finally {
  await db.$disconnect();
}
