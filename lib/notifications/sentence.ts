// One line per notification in the bell, from the event's payload (README, "Events").

type Data = Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" && v ? v : null);
const obj = (v: unknown): Data => (v && typeof v === "object" && !Array.isArray(v) ? (v as Data) : {});

export function notificationSentence(type: string, payload: Data): string {
  const key = str(obj(payload.key).name) ?? str(payload.keyName) ?? "a key";
  switch (type) {
    case "leak.reported":
      return `A secret of ${key} was reported leaked`;
    case "leak.revoked":
      return `${key} was revoked after a leak report`;
    case "honeytoken.triggered":
      // The canary's own name (honeytoken payloads have no key).
      return `Canary ${str(payload.name) ?? key} was presented${str(payload.ip) ? ` from ${str(payload.ip)}` : ""}`;
    case "webhook.disabled":
      return `Webhook ${str(obj(payload.endpoint).url) ?? "endpoint"} was disabled after failing`;
    case "key.denial_burst":
      return `Many denied requests for ${key}`;
    case "key.used_after_revoke":
      return `A revoked secret of ${key} was used`;
    case "key.expiring":
      return `${key} expires soon`;
    case "key.expired":
      return `${key} has expired`;
    case "key.new_address":
      return `${key} was used from a new network`;
    default:
      return type;
  }
}
