import { describe, expect, it } from "vitest";
import { revokeKeyById } from "@/lib/api-keys/revoke-key";
import { setKeyEnabled } from "@/lib/api-keys/set-key-enabled";
import { getLongDisabledKeys } from "@/lib/queries/review";
import { setUpTestDb } from "../support/db";
import { createOrg, makeKey } from "../support/fixtures";

const { db } = await setUpTestDb();
const DAY = 24 * 3_600_000;

describe("review: keys disabled for over 30 days", () => {
  it("lists keys disabled more than 30 days ago, oldest first — not recent ones, enabled ones, revoked ones or other organizations'", async () => {
    const org = await createOrg(db, { name: "Paused", keyPrefix: "pz" });
    const other = await createOrg(db, { name: "Elsewhere", keyPrefix: "pw" });
    const now = new Date();
    const disableAt = async (actor: typeof org.actor, name: string, daysAgo: number) => {
      const { key } = await makeKey(db, actor, { name, owner: "team-x" });
      await setKeyEnabled(db, actor, { keyId: key.id, enabled: false }, new Date(now.getTime() - daysAgo * DAY));
      return key;
    };
    const old = await disableAt(org.actor, "Old pause", 45);
    const older = await disableAt(org.actor, "Older pause", 90);
    await disableAt(org.actor, "Recent pause", 29);
    const reEnabled = await disableAt(org.actor, "Back on", 60);
    await setKeyEnabled(db, org.actor, { keyId: reEnabled.id, enabled: true });
    const revoked = await disableAt(org.actor, "Gone", 60);
    await revokeKeyById(db, org.actor, revoked.id, "done");
    await disableAt(other.actor, "Not ours", 60);

    const listed = await getLongDisabledKeys(db, org.orgId, now);
    expect(listed.map((k) => k.name)).toEqual(["Older pause", "Old pause"]);
    expect(listed[0]).toMatchObject({ id: older.id, owner: "team-x", disabledBy: org.actor.actor.label });
    expect(listed[1].id).toBe(old.id);
  });
});
