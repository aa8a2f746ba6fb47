// The text of each alert email (plain text: nothing in it is markup, so nothing an attacker sends — a user agent,
// a resource — can become a link or a header). Never a secret, a secret's last characters or a hash: payloads
// carry a secret's display form for the console, and it is left out here on purpose.

type Data = Record<string, unknown>;

export interface KeyForEmail {
  id: string;
  name: string;
  displayPrefix: string;
  environment: string;
  expiresAt: Date | null;
}

export interface EmailText {
  subject: string;
  body: string;
}

const SUBJECT_MAX = 150;
const VALUE_MAX = 300;

/** One line, no control characters, bounded: what may go into a header or a line of the body. */
export function oneLine(value: unknown, max = VALUE_MAX): string {
  const text = typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : "";
  const flat = text.replace(/[\p{Cc}\u2028\u2029]+/gu, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const subject = (text: string) => oneLine(`[Keyward] ${text}`, SUBJECT_MAX);
const utc = (iso: unknown) => {
  const date = new Date(typeof iso === "string" ? iso : NaN);
  return Number.isNaN(date.getTime()) ? "unknown" : `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
};
const link = (publicUrl: string | null, path: string) =>
  publicUrl ? `${publicUrl}${path}` : `Open ${path === "/review" ? "Review" : "Keys"} in the Keyward console.`;

function keyLines(key: KeyForEmail): string[] {
  return [
    `Key:          ${oneLine(key.name)}`,
    `Id:           ${key.id}`,
    `Prefix:       ${oneLine(key.displayPrefix)}…`,
    `Environment:  ${oneLine(key.environment)}`,
    `Expires:      ${key.expiresAt ? utc(key.expiresAt.toISOString()) : "never"}`,
  ];
}

const FOOTER = ["", "--", "Sent by Keyward. Members can turn alert emails off on their Account page."];

const LEAK_OUTCOME: Record<string, string> = {
  revoked: "Keyward revoked the key: it no longer verifies.",
  rotated: "Keyward rotated the key: the leaked secret no longer verifies; give its users the new one from the console.",
  grace_ended:
    "The leaked secret was a rotated-out one still in its grace period: Keyward ended that period, the key's current secret still works.",
  none: "Your organization's leak policy is alert only: the key still works. Revoke or rotate it now.",
  already_dead: "The secret no longer worked (revoked, expired or rotated out) when it was reported: nothing else was changed.",
};

/** Subject and body for one event, or null when the event sends no email. */
export function emailText(type: string, payload: Data, key: KeyForEmail | null, publicUrl: string | null): EmailText | null {
  switch (type) {
    case "key.expiring": {
      if (!key) return null;
      const days = typeof payload.daysLeft === "number" ? payload.daysLeft : null;
      const when = days === null ? "soon" : days <= 1 ? "within a day" : `in ${days} days`;
      return {
        subject: subject(`Key "${key.name}" expires ${when}`),
        body: [
          `The API key "${oneLine(key.name)}" expires ${when}, on ${utc(payload.expiresAt)}.`,
          "Integrations using it stop working then: rotate it or extend its expiry before that.",
          "",
          ...keyLines(key),
          "",
          link(publicUrl, `/keys/${key.id}`),
          "",
          "You get this because you created this key or are named its owner.",
          ...FOOTER,
        ].join("\n"),
      };
    }
    case "key.expired": {
      if (!key) return null;
      return {
        subject: subject(`Key "${key.name}" has expired`),
        body: [
          `The API key "${oneLine(key.name)}" expired on ${utc(payload.expiresAt)}. Verifications with it now answer EXPIRED.`,
          "",
          ...keyLines(key),
          "",
          link(publicUrl, `/keys/${key.id}`),
          "",
          "You get this because you created this key or are named its owner.",
          ...FOOTER,
        ].join("\n"),
      };
    }
    case "leak.reported": {
      const name = key?.name ?? (oneLine(payload.keyName) || "a key");
      const source = payload.source === "github" ? "GitHub secret scanning" : oneLine(payload.source) || "a scanner";
      return {
        subject: subject(`Leak reported: key "${name}"`),
        body: [
          `A secret of the API key "${oneLine(name)}" was reported leaked by ${source}.`,
          payload.url ? `Found at: ${oneLine(payload.url, 1000)}` : "",
          LEAK_OUTCOME[String(payload.action)] ?? "",
          "",
          ...(key ? keyLines(key) : [`Id:           ${oneLine(payload.keyId)}`]),
          "",
          link(publicUrl, `/keys/${key?.id ?? oneLine(payload.keyId)}`),
          "",
          "You get this as an admin or team lead of the organization.",
          ...FOOTER,
        ]
          .filter((line, i, lines) => line !== "" || lines[i - 1] !== "")
          .join("\n"),
      };
    }
    case "honeytoken.triggered": {
      const name = oneLine(payload.name) || "a canary";
      return {
        subject: subject(`Canary "${name}" was presented`),
        body: [
          `Someone presented the canary secret "${name}" to Keyward's verify endpoint. Canaries are handed to no one:`,
          "whoever holds it found it where it was planted. Verify answered NOT_FOUND, as for an unknown key.",
          "",
          `Canary:       ${name}`,
          `Id:           ${oneLine(payload.honeytokenId)}`,
          `When:         ${utc(payload.at)}`,
          `From:         ${oneLine(payload.ip) || "unknown address"}`,
          `User agent:   ${oneLine(payload.userAgent) || "none"}`,
          `Resource:     ${oneLine(payload.resource) || "none"}`,
          "",
          link(publicUrl, "/review"),
          "",
          "You get this as an admin or team lead of the organization.",
          ...FOOTER,
        ].join("\n"),
      };
    }
    default:
      return null;
  }
}
