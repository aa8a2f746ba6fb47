import { callApi } from "./client.mjs";
import { CliError, EXIT } from "./errors.mjs";
import {
  cidrsText,
  count,
  day,
  done,
  expiresText,
  isSilent,
  note,
  out,
  printJson,
  printTable,
  relative,
  scopeText,
  scopesText,
  warn,
} from "./format.mjs";
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
  for (const warning of warnings) warn(`warning: ${warning}`);
}

export async function createKey(config, nameArgument, opts, command) {
  let name = nameArgument ?? opts.name;
  let scopes = opts.scopes === undefined ? undefined : scopesInput(opts.scopes);
  if (name === undefined) {
    // No name: ask for it (and for whatever else no option gave) on a terminal; a script gets a usage error.
    if (!(process.stdin.isTTY && process.stderr.isTTY)) {
      throw new CliError(
        "Missing the key name: keyward keys create <name> (or -n <name>); run it on a terminal without options to be asked",
        EXIT.VALIDATION,
      );
    }
    ({ name, scopes, opts } = await askCreate(opts, scopes, command));
  }
  const body = {
    name,
    description: opts.description ?? "",
    expiry: expiryInput(opts.expires),
    scopes: scopes ?? scopesInput(["read"]),
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
  if (isSilent()) {
    // Only the secret, ready to capture: SECRET=$(keyward keys new ci --silent)
    printWarnings(created.warnings);
    return out(created.secret);
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

// ---------------------------------------------------------------------------- interactive create (seed 003)

const PERMISSIONS = [
  ["Read", "read"],
  ["Read and write", "write"],
  ["Read, write and admin (revoke, disable)", "admin"],
];
const EXPIRIES = [
  ["30 days", "30d"],
  ["90 days", "90d"],
  ["1 year", "1y"],
  ["Never", "never"],
];

/** One answer, trimmed; the end of input aborts before anything is created. */
async function answer(question) {
  const text = await ask(question);
  if (text === null) throw new CliError("Aborted: nothing was created.", EXIT.GENERIC);
  return text.trim();
}

async function select(title, choices, defaultIndex) {
  warn(title);
  choices.forEach(([label], i) => warn(`  ${i + 1}. ${label}`));
  for (;;) {
    const text = await answer(`Select (1-${choices.length}) [${defaultIndex + 1}]: `);
    if (text === "") return choices[defaultIndex][1];
    const n = Number(text);
    if (Number.isInteger(n) && n >= 1 && n <= choices.length) return choices[n - 1][1];
    warn(`  Type a number from 1 to ${choices.length}.`);
  }
}

/** Name, description, permissions on resources and expiry, asking only for what no option gave. */
async function askCreate(opts, scopes, command) {
  warn("Create New API Key");
  let name = "";
  while (name === "") {
    name = await answer("Key name: ");
    if (name === "") warn("  A name is required.");
  }
  const description = opts.description ?? (await answer("Description (optional): "));
  if (scopes === undefined) {
    const action = await select("Permissions:", PERMISSIONS, 0);
    const filters = await answer("On resources (e.g. keys/** or projects/a,projects/b; empty for all): ");
    const list = filters.split(",").map((filter) => filter.trim());
    scopes = [...new Set(list)]
      .filter((filter, i, all) => filter !== "" || all.length === 1)
      .map((resourceFilter) => ({ action, resourceFilter }));
  }
  const expires = command?.getOptionValueSource("expires") === "default" ? await select("Expires:", EXPIRIES, 1) : opts.expires;
  warn();
  return { name, scopes, opts: { ...opts, description, expires } };
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
  if (isSilent()) return;
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
  done(
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
  if (!(opts.yes || opts.force)) {
    const { key } = await callApi(config, "GET", keyPath(id));
    warn(`⚠  Rotating ${key.name} (${key.display}), last used ${relative(key.lastUsedAt)}`);
    warn(
      opts.grace === "none"
        ? "   The current secret stops working immediately."
        : `   The current secret keeps working for ${opts.grace}, then stops.`,
    );
    warn("   Update the secret everywhere the key is used (CI variables, .env files, scripts).");
    await confirmYes("Continue?");
  }
  const rotated = await callApi(config, "POST", `${keyPath(id)}/rotate`, { body: { grace: opts.grace } });
  if (formatOf(opts) === "json") return printJson(rotated);
  if (isSilent()) return out(rotated.secret);
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
  if (!(opts.yes || opts.force)) {
    const { key } = await callApi(config, "GET", keyPath(id));
    if (key.status === "revoked") throw new CliError(`${key.name} is already revoked`, EXIT.VALIDATION, { code: "CONFLICT" });
    warn("⚠  This cannot be undone.");
    warn(`   Key:       ${key.name} (${key.display})`);
    warn(`   Created:   ${day(key.createdAt)}`);
    warn(`   Last used: ${relative(key.lastUsedAt)}`);
    warn("   Every application using it will get 401 from now on.");
    const typed = await ask("Type the key name to confirm: ");
    if (typed === null || !sameName(typed, key.name)) {
      throw new CliError("Aborted: that doesn't match the key's name; nothing was revoked.", EXIT.GENERIC);
    }
  }
  const { key } = await callApi(config, "POST", `${keyPath(id)}/revoke`, { body: opts.reason ? { reason: opts.reason } : {} });
  if (formatOf(opts) === "json") return printJson({ key });
  done(`✓ Revoked key "${key.name}" (${key.id})`);
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

// ---------------------------------------------------------------------------- whoami

/** The key in use and its organization (seed 000's `auth key verify`): exit 2 if the key does not work. */
export async function whoami(config, opts) {
  const { key, organization } = await callApi(config, "GET", "/api/v1/whoami");
  if (formatOf(opts) === "json") return printJson({ key, organization });
  out(`Key:          ${key.name} (${key.display})`);
  out(`Key ID:       ${key.id}`);
  out(`Organization: ${organization.name} (${organization.slug})`);
  out(`Scopes:       ${scopesText(key.scopes)}`);
  out(`Expires:      ${expiresText(key)}`);
  out(`Allowed IPs:  ${cidrsText(key.cidrs)}`);
  out(`Status:       ${key.status}${key.expiresSoon ? " (expires soon)" : ""}`);
}
