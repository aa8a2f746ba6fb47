import { afterAll, describe, expect, it } from "vitest";
import { findIssuedSecrets } from "@/lib/api-keys/find-leaked";
import { smtpSender } from "@/lib/email/deliver";
import { scanExpiries } from "@/lib/events/detect-expiry";
import { createDb } from "@/lib/db/client";
import { dispatchOnce, startDispatcher, type DispatcherOptions } from "@/lib/events/dispatcher";
import { plantHoneytoken, recordHoneytokenTrigger } from "@/lib/honeytokens/honeytokens";
import { reportLeak } from "@/lib/leaks/report-leak";
import { setEmailAlerts } from "@/lib/notifications/email-alerts";
import { setUpTestDb, testMeta } from "../support/db";
import { createOrg, makeKey } from "../support/fixtures";
import { startKeyward } from "../support/keyward-server";
import { addMember, adminActor } from "../support/members";
import { startSmtpServer, type ReceivedMail } from "../support/smtp-server";

// Alert email through the real dispatcher (fan-out, claim, send, retry) into a real SMTP server on 127.0.0.1 that
// requires the credentials of the configured URL. Events come from the real producers: the expiry job under a moved
// clock, a canary's presentation, a leak report.

const { db, url } = await setUpTestDb();
const smtp = await startSmtpServer();
const config = { smtpUrl: smtp.url(), from: "Keyward <alerts@keyward.test>", publicUrl: "https://keys.example.com" };
const sender = smtpSender(config, 2000);
// Short retry delays so a retry is due within the test; the schedule's shape is the production one.
const options: DispatcherOptions = { baseDelayMs: 20, maxDelayMs: 50, timeoutMs: 2000, email: { config, sender } };
afterAll(async () => {
  sender.close();
  await smtp.stop();
});

const DAY = 86_400_000;

async function drain() {
  for (let i = 0; i < 20 && (await dispatchOnce(db, options)) > 0; i++);
}

async function until(check: () => Promise<boolean> | boolean, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

const mailsAbout = (id: string) => smtp.received.filter((m) => m.text.includes(`Id:           ${id}`));
const recipientsOf = (mails: ReceivedMail[]) => mails.flatMap((m) => m.to).sort();

/** Nothing of the secret reaches the mail: not the secret, its hash, its last characters or its display form. */
function expectNoSecret(mail: ReceivedMail, secret: string, secretHash: string, last4: string) {
  for (const part of [mail.raw, mail.text, mail.subject]) {
    expect(part).not.toContain(secret);
    expect(part).not.toContain(secretHash);
    expect(part).not.toContain(last4);
  }
}

describe("alert email (real SMTP server)", () => {
  it("the expiry reminder arrives once per threshold (14 d, 3 d, 1 d, expired) to the creator and owner, with the right key and no secret", async () => {
    const org = await createOrg(db);
    const lead = await addMember(db, org.orgId, "lead");
    const owner = "Billing-Team@Example.org";
    const { key, secret } = await makeKey(db, org.actor, { name: "Billing sync", owner });
    const expiresAt = new Date(Date.now() + 20 * DAY);
    await db.apiKey.update({ where: { id: key.id }, data: { expiresAt } });
    const row = await db.apiKey.findUniqueOrThrow({ where: { id: key.id }, include: { secrets: true } });

    const seen: string[] = [];
    for (const before of [15 * DAY, 13 * DAY, 2.5 * DAY, 12 * 3_600_000, -60_000]) {
      const now = new Date(expiresAt.getTime() - before);
      // Twice, as two instances scanning would: still one event per threshold, so one mail per recipient.
      await scanExpiries(db, now);
      await scanExpiries(db, now);
      await drain();
      seen.push(mailsAbout(key.id).length.toString());
    }
    expect(seen).toEqual(["0", "2", "4", "6", "8"]);

    const mails = mailsAbout(key.id);
    expect(recipientsOf(mails)).toEqual([...Array(4).fill(org.email), ...Array(4).fill("billing-team@example.org")].sort());
    expect(recipientsOf(mails)).not.toContain(lead.email);
    expect(mails.map((m) => m.subject)).toEqual([
      '[Keyward] Key "Billing sync" expires in 13 days',
      '[Keyward] Key "Billing sync" expires in 13 days',
      '[Keyward] Key "Billing sync" expires in 3 days',
      '[Keyward] Key "Billing sync" expires in 3 days',
      '[Keyward] Key "Billing sync" expires within a day',
      '[Keyward] Key "Billing sync" expires within a day',
      '[Keyward] Key "Billing sync" has expired',
      '[Keyward] Key "Billing sync" has expired',
    ]);
    for (const mail of mails) {
      expect(mail.from).toBe("alerts@keyward.test");
      expect(mail.text).toContain(`Prefix:       ${row.displayPrefix}…`);
      expect(mail.text).toContain(`https://keys.example.com/keys/${key.id}`);
      expect(mail.text).toContain(expiresAt.toISOString().slice(0, 10));
      expectNoSecret(mail, secret, row.secrets[0].secretHash, row.last4);
    }
    // One Message-ID per mail: a receiver (or its mail client) can deduplicate a retried one.
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(8);
    const rows = await db.emailDelivery.findMany({ where: { orgId: org.orgId } });
    expect(rows.every((r) => r.status === "sent" && r.attempts === 1)).toBe(true);
  });

  it("leak and canary alerts go to admins and leads, not to auditors nor to members who turned alert email off", async () => {
    const org = await createOrg(db);
    const lead = await addMember(db, org.orgId, "lead");
    const auditor = await addMember(db, org.orgId, "auditor");
    const quietLead = await addMember(db, org.orgId, "lead");
    // "Email me alerts" turned off on the account page.
    await setEmailAlerts(db, quietLead.actor, false, testMeta);
    expect(await db.auditEvent.count({ where: { orgId: org.orgId, action: "user.email_alerts_changed", actorId: quietLead.userId } })).toBe(
      1,
    );
    const team = [org.email, lead.email].sort();

    const { honeytoken, secret: canarySecret } = await plantHoneytoken(db, adminActor(org), { name: "Old CI config" });
    const canary = await db.honeytoken.findUniqueOrThrow({ where: { id: honeytoken.id } });
    await recordHoneytokenTrigger(db, {
      honeytokenId: honeytoken.id,
      orgId: org.orgId,
      ip: "198.51.100.23",
      userAgent: "curl/8.5.0\r\nBcc: victim@example.com",
      action: "read",
      resource: "billing/invoices",
      at: new Date(),
    });
    await drain();
    const canaryMails = mailsAbout(honeytoken.id);
    expect(recipientsOf(canaryMails)).toEqual(team);
    for (const mail of canaryMails) {
      expect(mail.subject).toBe('[Keyward] Canary "Old CI config" was presented');
      expect(mail.text).toContain("From:         198.51.100.23");
      expect(mail.text).toContain("Resource:     billing/invoices");
      expect(mail.text).toContain("https://keys.example.com/review");
      // The presenter's user agent is one line of the body, never a header.
      expect(mail.raw.split("\r\n\r\n")[0]).not.toMatch(/^bcc:/im);
      expectNoSecret(mail, canarySecret, canary.secretHash, canary.last4);
    }

    const { key, secret } = await makeKey(db, org.actor, { name: "Deploy bot" });
    const hit = (await findIssuedSecrets(db, [secret])).get(secret)!;
    await reportLeak(
      db,
      hit,
      { source: "github", url: "https://github.com/acme/app/blob/main/.env", tokenType: "keyward_live", location: "content" },
      testMeta,
    );
    await drain();
    const leakMails = mailsAbout(key.id);
    // leak.reported and leak.revoked come from one report: one mail per recipient, saying what was done.
    expect(recipientsOf(leakMails)).toEqual(team);
    const row = await db.apiKey.findUniqueOrThrow({ where: { id: key.id }, include: { secrets: true } });
    for (const mail of leakMails) {
      expect(mail.subject).toBe('[Keyward] Leak reported: key "Deploy bot"');
      expect(mail.text).toContain("reported leaked by GitHub secret scanning");
      expect(mail.text).toContain("Found at: https://github.com/acme/app/blob/main/.env");
      expect(mail.text).toContain("Keyward revoked the key");
      expectNoSecret(mail, secret, row.secrets[0].secretHash, row.last4);
    }
    expect(recipientsOf([...canaryMails, ...leakMails])).not.toContain(auditor.email);
    expect(recipientsOf([...canaryMails, ...leakMails])).not.toContain(quietLead.email);
  });

  it("with the SMTP server down the mail is retried, and arrives once when it is back", async () => {
    const org = await createOrg(db);
    const { honeytoken } = await plantHoneytoken(db, adminActor(org), { name: "Retried canary" });
    await smtp.stop();
    await recordHoneytokenTrigger(db, {
      honeytokenId: honeytoken.id,
      orgId: org.orgId,
      ip: null,
      userAgent: null,
      action: null,
      resource: null,
      at: new Date(),
    });
    await dispatchOnce(db, options);
    let [delivery] = await db.emailDelivery.findMany({ where: { orgId: org.orgId } });
    expect(delivery).toMatchObject({ status: "pending", attempts: 1, toAddress: org.email });
    expect(delivery.lastError).toMatch(/ECONNREFUSED/);
    expect(delivery.lastError).not.toContain("s3cret");
    await dispatchOnce(db, options);
    await until(
      async () => (
        await dispatchOnce(db, options),
        (await db.emailDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).attempts >= 2
      ),
    );
    expect(mailsAbout(honeytoken.id)).toHaveLength(0);

    await smtp.start();
    await until(async () => (await dispatchOnce(db, options), mailsAbout(honeytoken.id).length > 0));
    await drain();
    await new Promise((r) => setTimeout(r, 100));
    await drain();
    expect(recipientsOf(mailsAbout(honeytoken.id))).toEqual([org.email]);
    [delivery] = await db.emailDelivery.findMany({ where: { orgId: org.orgId } });
    expect(delivery.status).toBe("sent");
    expect(delivery.attempts).toBeGreaterThanOrEqual(3);
    expect(delivery.nextAttemptAt).toBeNull();
  });

  it("two instances on one database send each mail once", async () => {
    const org = await createOrg(db);
    await addMember(db, org.orgId, "lead");
    const canaries: { id: string }[] = [];
    for (let i = 0; i < 8; i++) canaries.push((await plantHoneytoken(db, adminActor(org), { name: `Canary ${i}` })).honeytoken);
    for (const c of canaries)
      await recordHoneytokenTrigger(db, {
        honeytokenId: c.id,
        orgId: org.orgId,
        ip: null,
        userAgent: null,
        action: null,
        resource: null,
        at: new Date(),
      });
    const dbA = createDb(url);
    const dbB = createDb(url);
    const many = { ...options, batchSize: 3, concurrency: 2, intervalMs: 10 };
    const a = startDispatcher(dbA, many);
    const b = startDispatcher(dbB, many);
    const mails = () => canaries.flatMap((c) => mailsAbout(c.id));
    await until(() => mails().length >= 16, 15_000);
    await new Promise((r) => setTimeout(r, 200));
    await Promise.all([a.stop(), b.stop()]);
    await Promise.all([dbA.$disconnect(), dbB.$disconnect()]);
    expect(mails()).toHaveLength(16);
    expect(new Set(mails().map((m) => `${m.to.join()} ${m.subject}`)).size).toBe(16);
  });

  it("sends nothing when SMTP is not configured", async () => {
    const org = await createOrg(db);
    const { honeytoken } = await plantHoneytoken(db, adminActor(org), { name: "Unmailed canary" });
    await recordHoneytokenTrigger(db, {
      honeytokenId: honeytoken.id,
      orgId: org.orgId,
      ip: null,
      userAgent: null,
      action: null,
      resource: null,
      at: new Date(),
    });
    for (let i = 0; i < 5 && (await dispatchOnce(db, { ...options, email: null })) > 0; i++);
    expect(await db.emailDelivery.count({ where: { orgId: org.orgId } })).toBe(0);
    expect(await db.notification.count({ where: { orgId: org.orgId } })).toBe(1);
  });

  it("the running server's dispatcher mails a canary alert, configured by KEYWARD_SMTP_URL", async () => {
    const org = await createOrg(db);
    const { honeytoken, secret } = await plantHoneytoken(db, adminActor(org), { name: "Server canary" });
    const server = await startKeyward({
      databaseUrl: url,
      env: { KEYWARD_SMTP_URL: smtp.url(), KEYWARD_SMTP_FROM: "Keyward <server@keyward.test>", KEYWARD_WEBHOOK_POLL_MS: "100" },
    });
    try {
      const res = await fetch(`${server.url}/api/v1/keys/verify`, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "curl/8.5.0" },
        body: JSON.stringify({ key: secret, action: "read", resource: "billing/invoices" }),
      });
      expect(await res.json()).toEqual({ valid: false, code: "NOT_FOUND" });
      await until(() => mailsAbout(honeytoken.id).length > 0, 10_000);
      const [mail] = mailsAbout(honeytoken.id);
      expect(mail).toMatchObject({
        to: [org.email],
        from: "server@keyward.test",
        subject: '[Keyward] Canary "Server canary" was presented',
      });
      expect(mail.text).toContain("User agent:   curl/8.5.0");
      expect(mail.raw).not.toContain(secret);
    } finally {
      await server.stop();
    }
  }, 120_000);
});
