import { createTransport } from "nodemailer";
import type { Db } from "../db/client";
import { errorMessage } from "../error-message";
import { claimDue } from "../events/claim";
import { retryDelayMs } from "../events/retry";
import type { EmailConfig } from "./config";

// Sending the EmailDelivery rows the fan-out wrote, by the dispatcher, the way webhooks are sent: due rows are
// claimed (FOR UPDATE SKIP LOCKED on PostgreSQL) by moving nextAttemptAt a lease ahead, then sent outside any
// transaction; a failure is retried with backoff until the retry window after the row was written ends. An instance
// that dies mid-send leaves the row to be claimed again when the lease ends: at least once.

export interface EmailSender {
  send(message: { to: string; subject: string; text: string; messageId: string }): Promise<void>;
  close(): void;
}

/** nodemailer over SMTP (TLS per the URL: smtps:// from the start, STARTTLS when the server offers it on smtp://). */
export function smtpSender(config: EmailConfig, timeoutMs: number): EmailSender {
  const transport = createTransport(
    { url: config.smtpUrl, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs },
    { from: config.from },
  );
  return {
    async send(message) {
      await transport.sendMail({ ...message, disableFileAccess: true, disableUrlAccess: true });
    },
    close: () => transport.close(),
  };
}

export interface EmailOptions {
  batchSize: number;
  leaseMs: number;
  retryWindowMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  now: () => Date;
}

interface ClaimedEmail {
  id: string;
  eventId: string;
  toAddress: string;
  subject: string;
  body: string;
  attempts: number;
  createdAt: Date;
}

export function claimDueEmails(db: Db, o: EmailOptions): Promise<ClaimedEmail[]> {
  return claimDue(db, { name: "EmailDelivery", of: (tx) => tx.emailDelivery }, o, (tx, where) =>
    tx.emailDelivery.findMany({
      where,
      select: { id: true, eventId: true, toAddress: true, subject: true, body: true, attempts: true, createdAt: true },
    }),
  );
}

/** Sends one claimed email and writes the outcome. The Message-ID is the row's, the same on every retry. */
export async function attemptEmail(db: Db, sender: EmailSender, claimed: ClaimedEmail, o: EmailOptions): Promise<void> {
  const startedAt = o.now();
  let error: string | null = null;
  try {
    await sender.send({
      to: claimed.toAddress,
      subject: claimed.subject,
      text: claimed.body,
      messageId: `<${claimed.id}.${claimed.eventId}@keyward>`,
    });
  } catch (e) {
    error = errorMessage(e).slice(0, 500);
  }
  const now = o.now();
  const attempts = claimed.attempts + 1;
  if (error === null) {
    await db.emailDelivery.update({
      where: { id: claimed.id },
      data: { status: "sent", attempts, lastAttemptAt: startedAt, sentAt: now, nextAttemptAt: null, lastError: null },
    });
    return;
  }
  const windowEnd = claimed.createdAt.getTime() + o.retryWindowMs;
  const giveUp = now.getTime() >= windowEnd;
  const next = new Date(Math.min(now.getTime() + retryDelayMs(attempts, o.baseDelayMs, o.maxDelayMs), windowEnd));
  await db.emailDelivery.update({
    where: { id: claimed.id },
    data: {
      status: giveUp ? "failed" : "pending",
      attempts,
      lastAttemptAt: startedAt,
      lastError: error,
      nextAttemptAt: giveUp ? null : next,
    },
  });
}
