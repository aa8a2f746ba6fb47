// Run with tsx by e2e/key-policy.spec.ts after it: every organization's key policy back to "no rules", so the specs
// after it create keys freely whatever its last save left. Prints what it had to reset. Test data only.
import { KEY_POLICY_COLUMNS } from "../../lib/api-keys/policy";
import { createDb } from "../../lib/db/client";

const db = createDb();
try {
  const rules = {
    policyRequireExpiry: false,
    policyMaxLifetimeDays: null,
    policyForbidWildcardCidr: false,
    policyForbidFullAccess: false,
    policyRequireOwner: false,
    policyRequireRateLimit: false,
  };
  const left = await db.organization.findMany({
    where: {
      OR: [
        { policyRequireExpiry: true },
        { policyMaxLifetimeDays: { not: null } },
        { policyForbidWildcardCidr: true },
        { policyForbidFullAccess: true },
        { policyRequireOwner: true },
        { policyRequireRateLimit: true },
      ],
    },
    select: { id: true, ...KEY_POLICY_COLUMNS },
  });
  await db.organization.updateMany({ data: rules });
  console.log(JSON.stringify({ reset: left }));
} finally {
  await db.$disconnect();
}
