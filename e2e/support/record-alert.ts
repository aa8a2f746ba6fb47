// Run with tsx by e2e/notification-bell.spec.ts against the e2e server's database: records a key.denial_burst event
// in the outbox of the named organization (as the usage detectors would), for the bell to show. Test data only.
import { createDb } from "../../lib/db/client";
import { recordEvent } from "../../lib/events/record";

const [orgName, keyName] = process.argv.slice(2);
const db = createDb();
try {
  const org = await db.organization.findFirstOrThrow({ where: { name: orgName } });
  const id = await db.$transaction((tx) =>
    recordEvent(tx, {
      orgId: org.id,
      type: "key.denial_burst",
      payload: { key: { id: "key_e2e", name: keyName }, denials: 120, windowMinutes: 5 },
    }),
  );
  console.log(JSON.stringify({ id }));
} finally {
  await db.$disconnect();
}
