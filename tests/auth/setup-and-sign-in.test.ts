import { describe, expect, it } from "vitest";
import { runAction } from "@/lib/actions/run-action";
import { signIn, WRONG_CREDENTIALS } from "@/lib/auth/login";
import { findSession, SESSION_ABSOLUTE_MS } from "@/lib/auth/sessions";
import { ALREADY_SET_UP, bootstrapInstallation } from "@/lib/setup/bootstrap";
import { loginSchema, setupSchema } from "@/lib/validations/auth";
import { createTestDatabase, testMeta, setUpTestDb } from "../support/db";

const { db } = await setUpTestDb();

const valid = { orgName: "Acme", keyPrefix: "acme", email: "Ada@Example.com", password: "correct horse battery" };
const long = "x".repeat(10_000);

async function rowCounts() {
  return {
    installations: await db.installation.count(),
    orgs: await db.organization.count(),
    users: await db.user.count(),
    memberships: await db.membership.count(),
    audit: await db.auditEvent.count(),
  };
}

const setup = (input: unknown) => runAction(setupSchema, input, (parsed) => bootstrapInstallation(db, parsed, testMeta));
const login = (input: unknown) => runAction(loginSchema, input, (parsed) => signIn(db, parsed.email, parsed.password, testMeta));

describe("first-run setup", () => {
  it.each([
    ["empty fields", { orgName: "", keyPrefix: "", email: "", password: "" }, ["orgName", "keyPrefix", "email", "password"]],
    [
      "10k-character fields",
      { orgName: long, keyPrefix: long, email: `${long}@x.io`, password: long },
      ["orgName", "keyPrefix", "email", "password"],
    ],
    ["an invalid email", { ...valid, email: "not-an-email" }, ["email"]],
    ["a short password", { ...valid, password: "short" }, ["password"]],
    ["a prefix with capitals", { ...valid, keyPrefix: "ACME" }, ["keyPrefix"]],
    ["missing fields", {}, ["orgName", "keyPrefix", "email", "password"]],
    ["not an object", "hello", ["form"]],
  ])("rejects %s with field errors and writes nothing", async (_label, input, fields) => {
    const result = await setup(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe("VALIDATION");
    expect(Object.keys(result.fieldErrors ?? {}).sort()).toEqual([...fields].sort());
    for (const message of Object.values(result.fieldErrors ?? {})) expect(message.length).toBeLessThan(120);
    expect(await rowCounts()).toEqual({ installations: 0, orgs: 0, users: 0, memberships: 0, audit: 0 });
  });

  it("creates the org with a sealed signing secret and its admin, once", async () => {
    const result = await setup(valid);
    expect(result.ok).toBe(true);
    const org = await db.organization.findFirstOrThrow();
    expect(org).toMatchObject({ name: "Acme", keyPrefix: "acme" });
    expect(org.signingSecretEnc).toMatch(/^v1\./);
    expect(org.bootstrappedAt).toBeInstanceOf(Date);
    const user = await db.user.findFirstOrThrow();
    expect(user.email).toBe("ada@example.com");
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user.passwordHash).not.toContain("correct horse");
    expect(await db.membership.findFirst({ where: { userId: user.id, orgId: org.id } })).toMatchObject({ role: "admin" });
    expect(await db.auditEvent.findFirst({ where: { action: "org.bootstrapped" } })).toMatchObject({ actorId: user.id, ip: testMeta.ip });

    const before = await rowCounts();
    const again = await setup({ ...valid, orgName: "Evil", email: "mallory@example.com" });
    expect(again).toEqual({ ok: false, code: "CONFLICT", error: ALREADY_SET_UP, fieldErrors: undefined });
    expect(await rowCounts()).toEqual(before);
  });

  it("refuses two setups racing each other: exactly one wins", async () => {
    // The database already holds an installation from the previous test; the race is on a fresh one below.
    const { db: raceDb, drop } = await createTestDatabase();
    const results = await Promise.all(
      ["a@example.com", "b@example.com", "c@example.com"].map((email) =>
        runAction(setupSchema, { ...valid, email }, (parsed) => bootstrapInstallation(raceDb, parsed, testMeta)),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await raceDb.organization.count()).toBe(1);
    expect(await raceDb.user.count()).toBe(1);
    await drop();
  });
});

describe("sign-in", () => {
  it.each([
    ["empty fields", { email: "", password: "" }, ["email", "password"]],
    ["10k-character fields", { email: `${long}@example.com`, password: long }, ["email", "password"]],
    ["an invalid email", { email: "ada", password: "whatever" }, ["email"]],
  ])("rejects %s with field errors and creates no session", async (_label, input, fields) => {
    const result = await login(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.fieldErrors ?? {}).sort()).toEqual([...fields].sort());
    expect(await db.session.count()).toBe(0);
  });

  it("gives one generic message for a wrong password and for an unknown email", async () => {
    const wrongPassword = await login({ email: "ada@example.com", password: "wrong password!!" });
    const unknownEmail = await login({ email: "nobody@example.com", password: "correct horse battery" });
    expect(wrongPassword).toEqual({ ok: false, code: "UNAUTHENTICATED", error: WRONG_CREDENTIALS, fieldErrors: undefined });
    expect(unknownEmail).toEqual(wrongPassword);
    expect(await db.session.count()).toBe(0);
  });

  it("signs in with the right password (email case-insensitive) and stores only the token's hash", async () => {
    const result = await login({ email: "ADA@example.com", password: "correct horse battery" });
    expect(result.ok).toBe(true);
    if (!result.ok || result.data.secondFactor) throw new Error("expected a session");
    const { token } = result.data;
    const stored = await db.session.findFirstOrThrow();
    expect(stored.tokenHash).not.toBe(token);
    expect(stored.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await findSession(db, token))?.userId).toBe(stored.userId);
    expect(await findSession(db, token.slice(0, -1) + "x")).toBeNull();
  });

  it("ends a session left idle for more than 12 hours", async () => {
    const result = await login({ email: "ada@example.com", password: "correct horse battery" });
    if (!result.ok) throw new Error("sign-in failed");
    const { token } = result.data;
    const thirteenHoursLater = new Date(Date.now() + 13 * 60 * 60 * 1000);
    expect(await findSession(db, token, thirteenHoursLater)).toBeNull();
    expect(await findSession(db, token)).toBeNull();
  });

  it("ends a session in use every few hours 7 days after sign-in", async () => {
    const result = await login({ email: "ada@example.com", password: "correct horse battery" });
    if (!result.ok) throw new Error("sign-in failed");
    const { token } = result.data;
    const session = (await findSession(db, token))!;
    const signedInAt = session.createdAt.getTime();
    const hour = 60 * 60 * 1000;
    // Seen every 6 hours, well inside the 12-hour idle limit, up to the last moment before the 7th day ends.
    for (let at = 6 * hour; at < SESSION_ABSOLUTE_MS; at += 6 * hour) {
      expect(await findSession(db, token, new Date(signedInAt + at)), `${at / hour} h after sign-in`).not.toBeNull();
    }
    // Last seen 6 hours ago: only the absolute limit can end it now.
    expect((await db.session.findUniqueOrThrow({ where: { id: session.id } })).lastSeenAt).toEqual(new Date(signedInAt + 162 * hour));
    expect(await findSession(db, token, new Date(signedInAt + SESSION_ABSOLUTE_MS))).toBeNull();
    expect(await db.session.count({ where: { id: session.id } })).toBe(0);
  });
});
