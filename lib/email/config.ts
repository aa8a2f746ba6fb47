// Alert email is on when KEYWARD_SMTP_URL is set (README, "Email"). Read once when the dispatcher starts.

export interface EmailConfig {
  /** nodemailer's connection URL: smtp://user:pass@host:587 (STARTTLS when offered), smtps://…:465 (TLS). */
  smtpUrl: string;
  /** The From header, e.g. "Keyward <keyward@example.com>". */
  from: string;
  /** This deployment's origin for links to the console, when known. */
  publicUrl: string | null;
}

/** The SMTP settings from the environment, or null (email off). A malformed setting throws: a typo must not silently turn alerts off. */
export function emailConfigFromEnv(env: Record<string, string | undefined> = process.env): EmailConfig | null {
  const smtpUrl = env.KEYWARD_SMTP_URL?.trim();
  if (!smtpUrl) return null;
  let parsed: URL;
  try {
    parsed = new URL(smtpUrl);
  } catch {
    throw new Error("KEYWARD_SMTP_URL is not a URL (smtp://user:pass@host:port or smtps://…)");
  }
  if (parsed.protocol !== "smtp:" && parsed.protocol !== "smtps:") throw new Error("KEYWARD_SMTP_URL must start with smtp:// or smtps://");
  let publicUrl: string | null = null;
  if (env.KEYWARD_PUBLIC_URL?.trim()) publicUrl = new URL(env.KEYWARD_PUBLIC_URL.trim()).origin;
  const from = env.KEYWARD_SMTP_FROM?.trim() || `Keyward <keyward@${publicUrl ? new URL(publicUrl).hostname : "localhost"}>`;
  if (/[\r\n]/.test(from)) throw new Error("KEYWARD_SMTP_FROM must be one line");
  return { smtpUrl, from, publicUrl };
}
