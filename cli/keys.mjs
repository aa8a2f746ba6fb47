import { callApi } from "./client.mjs";
import { CliError, EXIT } from "./errors.mjs";
import { cidrsText, count, day, expiresText, note, out, printJson, printTable, relative, scopeText, scopesText } from "./format.mjs";
import { expiryInput, formatOf, metaInput, scopesInput } from "./options.mjs";
import { ask, readAllStdin } from "./prompt.mjs";
import { limitLines, limitsBody } from "./limits.mjs";

const keyPath = (id) => `/api/v1/keys/${encodeURIComponent(id)}`;

// ---------------------------------------------------------------------------- list

const LIST_HEAD = ["Name", "ID", "Prefix", "Scopes", "Created", "Last used", "Status"];

export async function listKeys(config, opts) {
  const keys = [];
  let cursor;
  const max = opts.limit ? Number(opts.limit) : Infinity;
  // Follow the cursor until the last page (or --limit keys): one list, however many pages.
  do {
    const page = await callApi(config, "GET", "/api/v1/keys", {
      query: {
        status: opts.status,
        name: opts.name,
        prefix: opts.prefix,
        tag: opts.tag,
        owner: opts.owner,
        limit: Math.min(100, max - keys.length),
        cursor,
      },
    });
    keys.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor && keys.length < max);
  const format = formatOf(opts);
  if (format === "json") return printJson(keys);
  if (keys.length === 0) return note(`No ${opts.status === "all" ? "" : `${opts.status} `}keys.`);
  printTable(
    format,
    LIST_HEAD,
    keys.map((k) => [k.name, k.id, k.display, scopesText(k.scopes), day(k.createdAt), day(k.lastUsedAt), k.status]),
  );
}

// ---------------------------------------------------------------------------- create

function secretBox(secret, what) {
  const width = secret.length + 4;
  out(`┌${"─".repeat(width)}┐`);
  out(`│  ${secret}  │`);
  out(`└${"─".repeat(width)}┘`);
  out(`⚠  Save this secret now: ${what}`);
}

function printWarnings(warnings = []) {
  for (const warning of warnings) note(`warning: ${warning}`);
}

export async function createKey(config, name, opts) {
  const body = {
    name,
    description: opts.description ?? "",
    expiry: expiryInput(opts.expires),
    scopes: scopesInput(opts.scopes ?? ["read"]),
    cidrs: opts.cidr ?? [],
    environment: opts.environment,
    ...ownerTagsMeta(opts),
    ...limitsBody(opts),
  };
  const created = await callApi(config, "POST", "/api/v1/keys", { body });
  if (formatOf(opts) === "json") {
    printWarnings(created.warnings);
    return printJson(created);
  }
  const { key } = created;
  out(`✓ Created key "${key.name}" (${key.id})`);
  out();
  secretBox(created.secret, "it is shown only once and cannot be retrieved again.");
  out();
  out(`  Scopes:      ${scopesText(key.scopes)}`);
  out(`  Expires:     ${expiresText(key)}`);
  out(`  Allowed IPs: ${cidrsText(key.cidrs)}`);
  ownerLines(key);
  limitLines(key);
  printWarnings(created.warnings);
}

/** --owner, --tag (repeatable) and --meta, for create and update: only those given. */
function ownerTagsMeta(opts) {
  const body = {};
  if (opts.owner !== undefined) body.owner = opts.owner;
  if (opts.clearTags) body.tags = [];
  else if (opts.tag !== undefined) body.tags = opts.tag;
  if (opts.meta !== undefined) body.meta = metaInput(opts.meta);
  return body;
}

function ownerLines(key) {
  if (key.owner) out(`  Owner:       ${key.owner}`);
  if (key.tags?.length) out(`  Tags:        ${key.tags.join(", ")}`);
  if (key.meta && Object.keys(key.meta).length > 0) out(`  Meta:        ${JSON.stringify(key.meta)}`);
}

// ---------------------------------------------------------------------------- show / usage

function usageSection(format, usage) {
  const { totals } = usage;
  out(`Usage (last ${usage.days} days):`);
  out(`  Total requests: ${count(totals.requests)}`);
  out(`  Allowed:        ${count(totals.allowed)}`);
  out(`  Denied:         ${count(totals.denied)}`);
  out(`  Avg per day:    ${count(totals.averagePerDay)}`);
  const outcomes = Object.entries(usage.byOutcome).sort((a, b) => b[1] - a[1]);
  if (outcomes.length > 0) {
    out("  By outcome:");
    for (const [outcome, n] of outcomes) out(`    • ${outcome}: ${count(n)} (${Math.round((n / totals.requests) * 100)}%)`);
  }
  const busy = usage.daily.filter((d) => d.requests > 0);
  if (busy.length > 0) {
    out("  By day:");
    printTable(
      format,
      ["Day", "Requests", "Allowed", "Denied"],
      busy.map((d) => [d.date, count(d.requests), count(d.allowed), count(d.denied)]),
    );
  }
  out(`Last used: ${relative(usage.lastUsed.at)}`);
  if (usage.lastUsed.ip) out(`  IP:         ${usage.lastUsed.ip}`);
  if (usage.lastUsed.userAgent) out(`  User agent: ${usage.lastUsed.userAgent}`);
}

export async function showKey(config, id, opts) {
  const [{ key }, usage] = await Promise.all([
    callApi(config, "GET", keyPath(id)),
    callApi(config, "GET", `${keyPath(id)}/usage`, { query: { days: opts.days } }),
  ]);
  const format = formatOf(opts);
  if (format === "json") return printJson({ key, usage });
  out(`API key: ${key.name}`);
  out(`Key ID:      ${key.id}`);
  out(`Key:         ${key.display}`);
  out(`Status:      ${key.status}${key.enabled === false ? " (disabled)" : ""}${key.expiresSoon ? " (expires soon)" : ""}`);
  if (key.owner) out(`Owner:       ${key.owner}`);
  if (key.tags?.length) out(`Tags:        ${key.tags.join(", ")}`);
  if (key.meta && Object.keys(key.meta).length > 0) out(`Meta:        ${JSON.stringify(key.meta)}`);
  if (key.description) out(`Description: ${key.description}`);
  out(`Created:     ${day(key.createdAt)} by ${key.createdBy || "unknown"}`);
  out(`Expires:     ${expiresText(key)}`);
  if (key.revokedAt)
    out(`Revoked:     ${day(key.revokedAt)} by ${key.revokedBy ?? "unknown"}${key.revokeReason ? ` (${key.revokeReason})` : ""}`);
  out("Scopes:");
  for (const scope of key.scopes) out(`  • ${scopeText(scope)}`);
  out(`Allowed IPs: ${cidrsText(key.cidrs)}`);
  for (const secret of (key.secrets ?? []).filter((s) => !s.current && s.validUntil && new Date(s.validUntil) > new Date())) {
    out(`Previous secret ${secret.display} works until ${secret.validUntil}`);
  }
  out();
  usageSection(format, usage);
}

export async function keyUsage(config, id, opts) {
  const usage = await callApi(config, "GET", `${keyPath(id)}/usage`, { query: { days: opts.days } });
  const format = formatOf(opts);
  if (format === "json") return printJson(usage);
  printTable(
    format,
    ["Day", "Requests", "Allowed", "Denied"],
    usage.daily.map((d) => [d.date, count(d.requests), count(d.allowed), count(d.denied)]),
  );
  const { totals } = usage;
  note(
    `Total ${count(totals.requests)} requests (${count(totals.allowed)} allowed, ${count(totals.denied)} denied), ${count(totals.averagePerDay)} per day; last used ${relative(usage.lastUsed.at)}`,
  );
}

// ---------------------------------------------------------------------------- update

export async function updateKey(config, id, opts) {
  const body = {};
  if (opts.name !== undefined) body.name = opts.name;
  if (opts.description !== undefined) body.description = opts.description;
  if (opts.expires !== undefined) body.expiry = expiryInput(opts.expires);
  if (opts.scopes !== undefined) body.scopes = scopesInput(opts.scopes);
  if (opts.clearCidrs) body.cidrs = [];
  else if (opts.cidr !== undefined) body.cidrs = opts.cidr;
  Object.assign(body, ownerTagsMeta(opts), limitsBody(opts));
  if (Object.keys(body).length === 0) {
    throw new CliError(
      "Nothing to change: pass --name, --description, --expires, --scopes, --cidr, --clear-cidrs, --owner, --tag, --clear-tags, --meta, --rate-limit, --tier, --quota or --refill",
      EXIT.VALIDATION,
    );
  }
  const updated = await callApi(config, "PATCH", keyPath(id), { body });
  printWarnings(updated.warnings);
  if (formatOf(opts) === "json") return printJson(updated);
  const { key } = updated;
  out(`✓ Updated key "${key.name}" (${key.id})`);
  out(`  Scopes:      ${scopesText(key.scopes)}`);
  out(`  Expires:     ${expiresText(key)}`);
  out(`  Allowed IPs: ${cidrsText(key.cidrs)}`);
  ownerLines(key);
  limitLines(key);
}

// ---------------------------------------------------------------------------- disable / enable

/** Reversible, so no confirmation: `disable` is what one runs first when a key may have leaked. */
export async function setKeyEnabled(config, id, enabled, opts) {
  const { key } = await callApi(config, "POST", `${keyPath(id)}/${enabled ? "enable" : "disable"}`, { body: {} });
  if (formatOf(opts) === "json") return printJson({ key });
  out(
    enabled
      ? `✓ Enabled key "${key.name}" (${key.id}): it verifies again`
      : `✓ Disabled key "${key.name}" (${key.id}): verifications answer DISABLED until keyward keys enable ${key.id}`,
  );
}

export const disableKey = (config, id, opts) => setKeyEnabled(config, id, false, opts);
export const enableKey = (config, id, opts) => setKeyEnabled(config, id, true, opts);

// ---------------------------------------------------------------------------- rotate / revoke

async function confirmYes(question) {
  const answer = await ask(`${question} [y/N] `);
  if (!/^(y|yes)$/i.test(answer?.trim() ?? "")) throw new CliError("Aborted: nothing was changed.", EXIT.GENERIC);
}

export async function rotateKey(config, id, opts) {
  if (!opts.yes) {
    const { key } = await callApi(config, "GET", keyPath(id));
    note(`⚠  Rotating ${key.name} (${key.display}), last used ${relative(key.lastUsedAt)}`);
    note(
      opts.grace === "none"
        ? "   The current secret stops working immediately."
        : `   The current secret keeps working for ${opts.grace}, then stops.`,
    );
    note("   Update the secret everywhere the key is used (CI variables, .env files, scripts).");
    await confirmYes("Continue?");
  }
  const rotated = await callApi(config, "POST", `${keyPath(id)}/rotate`, { body: { grace: opts.grace } });
  if (formatOf(opts) === "json") return printJson(rotated);
  out(`✓ Rotated key "${rotated.key.name}" (${rotated.key.id})`);
  out();
  secretBox(rotated.secret, "it is shown only once and cannot be retrieved again.");
  out(
    rotated.previousSecretValidUntil
      ? `  The previous secret works until ${rotated.previousSecretValidUntil}.`
      : "  The previous secret no longer works.",
  );
}

function sameName(typed, name) {
  return typed.trim().normalize("NFC") === name.trim().normalize("NFC");
}

export async function revokeKey(config, id, opts) {
  if (!opts.yes) {
    const { key } = await callApi(config, "GET", keyPath(id));
    if (key.status === "revoked") throw new CliError(`${key.name} is already revoked`, EXIT.VALIDATION, { code: "CONFLICT" });
    note("⚠  This cannot be undone.");
    note(`   Key:       ${key.name} (${key.display})`);
    note(`   Created:   ${day(key.createdAt)}`);
    note(`   Last used: ${relative(key.lastUsedAt)}`);
    note("   Every application using it will get 401 from now on.");
    const typed = await ask("Type the key name to confirm: ");
    if (typed === null || !sameName(typed, key.name)) {
      throw new CliError("Aborted: that doesn't match the key's name; nothing was revoked.", EXIT.GENERIC);
    }
  }
  const { key } = await callApi(config, "POST", `${keyPath(id)}/revoke`, { body: opts.reason ? { reason: opts.reason } : {} });
  if (formatOf(opts) === "json") return printJson({ key });
  out(`✓ Revoked key "${key.name}" (${key.id})`);
}

export async function revokeLeaked(config, opts) {
  if (process.stdin.isTTY) {
    throw new CliError("Pipe the text to scan into stdin, e.g. keyward keys revoke-leaked < leaked.log", EXIT.VALIDATION);
  }
  const text = await readAllStdin();
  if (text.trim() === "") throw new CliError("stdin was empty: nothing to scan", EXIT.VALIDATION);
  const result = await callApi(config, "POST", "/api/v1/keys/revoke-leaked", {
    body: { text, dryRun: !!opts.dryRun, ...(opts.reason ? { reason: opts.reason } : {}) },
  });
  const format = formatOf(opts);
  if (format === "json") return printJson(result);
  const verb = result.dryRun ? "Would revoke" : "Revoked";
  if (result.revoked.length === 0) out(`No active key of this organization found in the text.`);
  else {
    out(`${verb} ${result.revoked.length} key${result.revoked.length === 1 ? "" : "s"} found in the text:`);
    printTable(
      format,
      ["Name", "ID", "Secret found", "Secret was"],
      result.revoked.map((k) => [k.name, k.id, k.display, k.secretIsCurrent ? "current" : "in grace period"]),
    );
  }
  if (result.alreadyRevoked.length > 0) out(`Already revoked: ${result.alreadyRevoked.map((k) => `${k.name} (${k.id})`).join(", ")}`);
  if (result.unknownCount > 0)
    note(`${result.unknownCount} other Keyward secret${result.unknownCount === 1 ? " is" : "s are"} not this organization's.`);
}
