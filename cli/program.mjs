import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { DEFAULT_URL } from "./client.mjs";
import { CliError, EXIT, flagFor } from "./errors.mjs";
import * as keys from "./keys.mjs";
import { setSilent } from "./format.mjs";
import { EXPIRY_HELP, collect, formatOptions } from "./options.mjs";
import { closePrompt } from "./prompt.mjs";
import { QUOTA_HELP, RATE_LIMIT_HELP, REFILL_HELP } from "./limits.mjs";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

const GRACE = ["none", "1h", "24h", "7d"];
const STATUSES = ["active", "expired", "revoked", "all"];
// Owner, tags and meta come back to every service that verifies the key: labels only, never secrets.
const OWNER_HELP = "whom the key serves: a team, customer or service id (never a secret)";
const TAG_HELP = "a label: lowercase letters, digits, - _ : . (repeatable, at most 10)";
const META_HELP = "a JSON object ≤ 4 KB, inline or @file.json (never secrets)";

function examples(lines) {
  return `\nExamples:\n${lines.map((line) => (line.startsWith("#") ? `  ${line}` : `  $ ${line}`)).join("\n")}\n`;
}

/** The API connection from the root options (flags win over KEYWARD_URL / KEYWARD_API_KEY). */
function configOf(command) {
  const opts = command.optsWithGlobals();
  return { url: opts.url, apiKey: opts.apiKey, userAgent: `keyward-cli/${version} node/${process.versions.node}` };
}

/** Wraps an action: (args..., opts, command) → the command's function with the connection config first. */
function run(fn) {
  return async (...args) => {
    const command = args[args.length - 1];
    const opts = args[args.length - 2];
    await fn(configOf(command), ...args.slice(0, -2), opts, command);
  };
}

// Seed 003 skips a confirmation with --force; here it is -y, and --force is kept for those who type it.
const force = () => new Option("--force", "same as -y").hideHelp();

export function buildProgram() {
  const program = new Command("keyward")
    .description("Manage Keyward API keys from the command line (create, list, rotate, revoke) through the management API.")
    .version(version, "-V, --version")
    .addOption(new Option("--url <url>", "Keyward server URL").env("KEYWARD_URL").default(DEFAULT_URL))
    .addOption(
      new Option("--api-key <secret>", "API key with a keys/** scope (prefer the env var: flags show up in process lists)").env(
        "KEYWARD_API_KEY",
      ),
    )
    .option("--silent", "no progress or success messages: only data, warnings, prompts and errors")
    .hook("preAction", (_program, action) => setSilent(action.optsWithGlobals().silent === true))
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)")
    .addHelpText(
      "after",
      `\nExit codes: 0 ok, 1 generic or connection error, 2 authentication/authorization, 3 not found, 4 invalid input (validation, conflict, usage), 5 server error.${examples(
        [
          "export KEYWARD_URL=https://keys.example.com KEYWARD_API_KEY=kw_live_…",
          "keyward keys list",
          'keyward keys create "CI Pipeline" -s read:projects/**,write:deploys/* --expires 90d',
          "keyward whoami",
        ],
      )}`,
    );

  program
    .command("whoami")
    .description("The key in use: its name, organization, scopes and expiry (exit 2 if it does not work)")
    .option("--json", "print { key, organization } as JSON")
    .addHelpText("after", examples(["keyward whoami", "KEYWARD_API_KEY=$NEW_SECRET keyward whoami --json | jq -r .key.name"]))
    .action(run(keys.whoami));

  const keysCommand = program.command("keys").description("Create, inspect, rotate, disable and revoke API keys");

  formatOptions(
    keysCommand
      .command("list")
      .alias("ls")
      .description("List keys, newest first (never their secrets)")
      .addOption(new Option("--status <status>", "which keys").choices(STATUSES).default("all"))
      .option("--name <text>", "only keys whose name contains this text")
      .option("--prefix <prefix>", "only keys with this prefix or display form, e.g. kw_live_ or kw_live_…a1b2")
      .option("--tag <tag>", "only keys with this tag")
      .option("--owner <owner>", "only keys of this owner (exact)")
      .option("--limit <n>", "at most this many keys"),
  )
    .addHelpText(
      "after",
      examples([
        "keyward keys list --status active",
        "keyward keys list --json | jq -r '.[].id'",
        "keyward keys list --format markdown > keys.md",
      ]),
    )
    .action(run(keys.listKeys));

  keysCommand
    .command("create")
    .alias("new")
    .description("Create a key and print its secret once (on a terminal without a name: asks step by step)")
    .argument("[name]", "a name for the key, unique among the organization's keys that are not revoked")
    .option("-n, --name <name>", "the name, as an option instead of the argument")
    .option("-s, --scopes <scopes>", "comma-separated action[:resource filter] (read, write, admin, *); repeatable", collect)
    .option("--expires <when>", EXPIRY_HELP, "90d")
    .option("--cidr <cidr>", "allowed IP range (repeatable); default: any address", collect)
    .option("--description <text>", "what the key is for")
    .option("--owner <owner>", OWNER_HELP)
    .option("--tag <tag>", TAG_HELP, collect)
    .option("--meta <json>", META_HELP)
    .option("--rate-limit <spec>", RATE_LIMIT_HELP, collect)
    .option("--tier <name>", "put the key on this tier (its limits and quota apply where the key sets none)")
    .option("--quota <credits>", QUOTA_HELP)
    .option("--refill <spec>", REFILL_HELP)
    .addOption(new Option("--environment <env>", "secret environment").choices(["live", "test"]).default("live"))
    .option("--json", "print { secret, key, warnings } as JSON")
    .addHelpText(
      "after",
      `\nWithout -s the key gets read on all resources. With --silent only the secret is printed.${examples([
        'keyward keys create "Dashboard Reader"',
        "# asks for name, description, permissions and expiry",
        "keyward keys new",
        'keyward keys create "GitHub Actions" -s read:projects/**,write:deploys/* --expires 90d --cidr 10.0.0.0/8',
        'keyward keys create "Acme billing" --owner cus_4242 --tag billing --tag prod --meta @meta.json',
        'keyward keys create "Partner API" --rate-limit api=1000/10s --rate-limit day=100000/1d --quota 50000 --refill monthly:50000',
        'keyward keys create "Free user" --tier free',
        "# capture the secret in a script",
        "SECRET=$(keyward keys create ci-key -s write:deploys/* --json | jq -r .secret)",
      ])}`,
    )
    .action(run(keys.createKey));

  formatOptions(
    keysCommand
      .command("show")
      .description("A key's details and its usage breakdown")
      .argument("<id>", "key id (from keys list)")
      .option("--days <n>", "usage period in days (1-90)", "30"),
  )
    .addHelpText("after", examples(["keyward keys show key_abc123…", "keyward keys show key_abc123… --json | jq .usage.totals"]))
    .action(run(keys.showKey));

  keysCommand
    .command("update")
    .description("Change a key's name, description, expiry, scopes or allowed IPs")
    .argument("<id>", "key id")
    .option("--name <name>", "new name")
    .option("--description <text>", "new description")
    .option("--expires <when>", EXPIRY_HELP)
    .option("-s, --scopes <scopes>", "replace the scopes: comma-separated action[:resource filter]; repeatable", collect)
    .option("--cidr <cidr>", "replace the allowed IP ranges (repeatable)", collect)
    .option("--clear-cidrs", "allow any address")
    .option("--owner <owner>", `${OWNER_HELP}; "" removes it`)
    .option("--tag <tag>", "replace the tags (repeatable)", collect)
    .option("--clear-tags", "remove every tag")
    .option("--meta <json>", `replace the meta: ${META_HELP}`)
    .option("--rate-limit <spec>", `replace the rate limits: ${RATE_LIMIT_HELP}`, collect)
    .option("--clear-rate-limits", "remove the key's own rate limits")
    .option("--tier <name>", 'put the key on this tier ("" removes it)')
    .option("--quota <credits>", QUOTA_HELP)
    .option("--refill <spec>", REFILL_HELP)
    .option("--json", "print the updated key as JSON")
    .addHelpText(
      "after",
      `\nChanging scopes or allowed IPs applies to the very next request made with the key.${examples([
        'keyward keys update key_abc123… --name "Production Key (old)"',
        "keyward keys update key_abc123… -s read:projects/** --expires 1y",
        "keyward keys update key_abc123… --cidr 10.0.0.0/8 --cidr 2001:db8::/32",
        "keyward keys update key_abc123… --tier pro --quota 1000 --refill daily:1000",
      ])}`,
    )
    .action(run(keys.updateKey));

  keysCommand
    .command("disable")
    .description("Disable a key, reversibly: verifications answer DISABLED until it is enabled again")
    .argument("<id>", "key id")
    .option("--json", "print the key as JSON")
    .addHelpText("after", examples(["keyward keys disable key_abc123…"]))
    .action(run(keys.disableKey));

  keysCommand
    .command("enable")
    .description("Enable a disabled key again")
    .argument("<id>", "key id")
    .option("--json", "print the key as JSON")
    .addHelpText("after", examples(["keyward keys enable key_abc123…"]))
    .action(run(keys.enableKey));

  keysCommand
    .command("rotate")
    .alias("regenerate")
    .description("Replace a key's secret (same id, scopes and IPs) and print the new one once")
    .argument("<id>", "key id")
    .addOption(new Option("--grace <period>", "how long the old secret keeps working").choices(GRACE).default("none"))
    .option("-y, --yes", "skip the confirmation prompt")
    .addOption(force())
    .option("--json", "print { secret, key, previousSecretValidUntil } as JSON")
    .addHelpText(
      "after",
      examples(["keyward keys rotate key_abc123…", "keyward keys rotate key_abc123… --grace 24h -y --json | jq -r .secret"]),
    )
    .action(run(keys.rotateKey));

  keysCommand
    .command("revoke")
    .aliases(["rm", "delete"])
    .description("Revoke a key permanently (asks you to type its name unless -y)")
    .argument("<id>", "key id")
    .option("-y, --yes", "skip the confirmation prompt (for scripts)")
    .addOption(force())
    .option("--reason <text>", "why, for the audit log")
    .option("--json", "print the revoked key as JSON")
    .addHelpText("after", examples(["keyward keys revoke key_abc123…", "keyward keys revoke key_abc123… -y --reason rotated"]))
    .action(run(keys.revokeKey));

  formatOptions(
    keysCommand
      .command("usage")
      .description("Requests per day for a key (allowed and denied)")
      .argument("<id>", "key id")
      .option("--days <n>", "period in days (1-90)", "30"),
  )
    .addHelpText("after", examples(["keyward keys usage key_abc123… --days 7", "keyward keys usage key_abc123… --json | jq .totals"]))
    .action(run(keys.keyUsage));

  formatOptions(
    keysCommand
      .command("revoke-leaked")
      .description("Revoke every key of the organization whose secret appears in the text on stdin")
      .option("--dry-run", "only report which keys would be revoked")
      .option("--reason <text>", "why, for the audit log", "Found in leaked text"),
  )
    .addHelpText("after", examples(["keyward keys revoke-leaked < build.log", "pbpaste | keyward keys revoke-leaked --dry-run"]))
    .action(run(keys.revokeLeaked));

  return program;
}

function printError(error, json) {
  if (json) {
    process.stderr.write(
      `${JSON.stringify({ error: { code: error.code ?? null, message: error.message, ...(error.details ? { details: error.details } : {}) } })}\n`,
    );
    return;
  }
  process.stderr.write(`keyward: ${error.message}${error.code ? ` (${error.code})` : ""}\n`);
  for (const [field, message] of Object.entries(error.details ?? {})) {
    if (typeof message === "string") process.stderr.write(`  ${flagFor(field)}: ${message}\n`);
  }
}

/** Runs the CLI and resolves with the exit code (never calls process.exit itself). */
export async function main(argv) {
  const program = buildProgram();
  const json = argv.includes("--json") || argv.some((arg, i) => arg === "--format=json" || (arg === "--format" && argv[i + 1] === "json"));
  try {
    if (argv.length <= 2) {
      program.outputHelp();
      return EXIT.OK;
    }
    await program.parseAsync(argv);
    return EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too; everything else is a usage mistake.
      return error.exitCode === 0 || error.code === "commander.helpDisplayed" || error.code === "commander.version"
        ? EXIT.OK
        : EXIT.VALIDATION;
    }
    if (error instanceof CliError) {
      printError(error, json);
      return error.exitCode;
    }
    printError({ message: `unexpected error: ${error?.message ?? error}` }, json);
    return EXIT.GENERIC;
  } finally {
    closePrompt();
  }
}
