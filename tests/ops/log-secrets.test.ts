// Every credential that crosses the server in a console session — passwords (right and wrong), session tokens,
// an invite token, API-key secrets (created, rotated, verified, scanned for leaks), the metrics token, the
// master key — and then every line the server logged, at its most verbose level, searched for each of them.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { SESSION_COOKIE } from "@/lib/auth/sessions";
import { setUpTestDb } from "../support/db";
import { baseKeyInput, createOrg } from "../support/fixtures";
import { ensureAppBuilt, startKeyward, type KeywardServer } from "../support/keyward-server";
import { builtActions, type BuiltAction } from "../permissions/http";

const { db, url } = await setUpTestDb();
const org = await createOrg(db, { name: "Log Scan", keyPrefix: "kw" });
await db.installation.create({ data: { id: 1 } });
const strongPassword = () => `Pw-${randomBytes(12).toString("base64url")}-zq`;
const ADMIN_PASSWORD = strongPassword();
await db.user.update({ where: { id: org.userId }, data: { passwordHash: await hashPassword(ADMIN_PASSWORD) } });
const METRICS_TOKEN = randomBytes(24).toString("base64url");

let server: KeywardServer;
let actions: BuiltAction[];
/** Every credential the run handled, by what it is. */
const credentials: { what: string; value: string }[] = [
  { what: "admin password", value: ADMIN_PASSWORD },
  { what: "metrics token", value: METRICS_TOKEN },
  { what: "master key", value: process.env.KEYWARD_MASTER_KEY! },
];

beforeAll(async () => {
  await ensureAppBuilt();
  actions = builtActions();
  server = await startKeyward({ databaseUrl: url, env: { LOG_LEVEL: "trace", KEYWARD_METRICS_TOKEN: METRICS_TOKEN } });
}, 900_000);
afterAll(async () => server?.stop());

/** A server action over HTTP as the console's browser code calls it; returns its result and any new session. */
async function action(name: string, input: unknown, session?: string) {
  const built = actions.find((a) => a.name === name);
  if (!built) throw new Error(`no action ${name} in the build`);
  const res = await fetch(server.url + built.pagePath, {
    method: "POST",
    redirect: "manual",
    headers: {
      origin: server.url,
      "sec-fetch-site": "same-origin",
      "sec-fetch-mode": "cors",
      "sec-fetch-dest": "empty",
      accept: "text/x-component",
      "next-action": built.id,
      "content-type": "text/plain;charset=UTF-8",
      ...(session ? { cookie: `${SESSION_COOKIE}=${session}` } : {}),
    },
    body: JSON.stringify([input]),
  });
  const text = await res.text();
  const rows = new Map(text.split("\n").map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1)] as const));
  const head = JSON.parse(rows.get("0") ?? "null") as { a?: unknown } | null;
  const result = (typeof head?.a === "string" && head.a.startsWith("$@") ? JSON.parse(rows.get(head.a.slice(2)) ?? "null") : head?.a) as {
    ok: boolean;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each call reads the fields its action returns
    data?: any;
  };
  const cookie = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(res.headers.get("set-cookie") ?? "")?.[1];
  return { result, session: cookie };
}

const verify = (key: string) =>
  fetch(`${server.url}/api/v1/keys/verify`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ key }),
  });

describe("the server log holds no credential", () => {
  it("after sign-in, an invitation, key create/rotate/verify, the API and a leak scan, no line contains any of them", async () => {
    const wrong = strongPassword();
    credentials.push({ what: "wrong password", value: wrong });
    expect((await action("signInAction", { email: org.email, password: wrong })).result.ok).toBe(false);

    const signedIn = await action("signInAction", { email: org.email, password: ADMIN_PASSWORD });
    expect(signedIn.result.ok).toBe(true);
    const session = signedIn.session!;
    credentials.push({ what: "admin session token", value: session });

    const invited = await action("inviteMemberAction", { email: "invitee-log-scan@example.com", role: "lead" }, session);
    expect(invited.result.ok).toBe(true);
    const inviteToken = invited.result.data.token as string;
    credentials.push({ what: "invite token", value: inviteToken });
    expect((await fetch(`${server.url}/invite/${inviteToken}`)).status).toBe(200);
    const inviteePassword = strongPassword();
    credentials.push({ what: "invitee password", value: inviteePassword });
    const accepted = await action("acceptInviteAction", { token: inviteToken, password: inviteePassword });
    expect(accepted.result.ok).toBe(true);
    credentials.push({ what: "invitee session token", value: accepted.session! });

    const created = await action(
      "createKeyAction",
      { ...baseKeyInput, name: "Log scan key", scopes: [{ action: "admin", resourceFilter: "keys/**" }] },
      session,
    );
    expect(created.result.ok).toBe(true);
    const first = created.result.data.secret as string;
    const rotated = await action("rotateKeyAction", { keyId: created.result.data.key.id, grace: "1h" }, session);
    expect(rotated.result.ok).toBe(true);
    const second = rotated.result.data.secret as string;
    for (const secret of [first, second]) {
      credentials.push({ what: "key secret", value: secret }, { what: "key secret body", value: secret.slice(8) });
      expect(((await (await verify(secret)).json()) as { valid: boolean }).valid).toBe(true);
    }
    expect((await verify(second.slice(0, -2) + "zz")).status).toBe(200);

    // The management API with the key, a leak scan of text holding a secret, a secret in a console URL's query.
    const api = await fetch(`${server.url}/api/v1/keys`, { headers: { authorization: `Bearer ${second}` } });
    expect(api.status).toBe(200);
    const scan = await fetch(`${server.url}/api/v1/keys/revoke-leaked`, {
      method: "POST",
      headers: { authorization: `Bearer ${second}`, "content-type": "application/json" },
      body: JSON.stringify({ text: `deploy log: KEY=${first}`, dryRun: true }),
    });
    expect(scan.status).toBe(200);
    await fetch(`${server.url}/keys?name=${encodeURIComponent(first)}`, { headers: { cookie: `${SESSION_COOKIE}=${session}` } });
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(200);
    // A request that fails on the console's thread (Next logs it, with a stack) carrying the session cookie.
    await fetch(`${server.url}/login`, {
      method: "POST",
      headers: { origin: server.url, "next-action": "00".repeat(21), cookie: `${SESSION_COOKIE}=${session}` },
      body: `["${ADMIN_PASSWORD}"]`,
    });

    // Everything, including the shutdown lines.
    await server.stop();
    const output = server.output();
    const lines = output.slice(output.indexOf('{"level"')).trimEnd().split("\n");
    // What was scanned is the real log: JSON lines, one per request at this level, with their request ids.
    const parsed = lines.map((line) => JSON.parse(line) as { reqId?: string; msg: string });
    expect(parsed.filter((l) => l.msg === "request" && l.reqId).length).toBeGreaterThanOrEqual(15);
    expect(parsed.some((l) => l.msg.includes("Keyward ready on"))).toBe(true);
    expect(parsed.some((l) => l.msg.startsWith("usage: "))).toBe(true);
    for (const { what, value } of credentials) {
      expect(value.length, what).toBeGreaterThanOrEqual(16);
      for (const form of new Set([value, encodeURIComponent(value)])) {
        const leaking = lines.filter((line) => line.includes(form));
        expect(leaking, `${what} in the log`).toEqual([]);
      }
    }
  });
});
