import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as keys from "./index";
import * as universal from "./universal";

const here = import.meta.dirname;

function importsOf(file: string): string[] {
  const source = readFileSync(path.join(here, file), "utf8");
  return [...source.matchAll(/^(?:import|export)[^;]*?from\s+"([^"]+)"/gms)].map((m) => m[1]);
}

function reachable(entry: string, seen = new Set<string>()): Set<string> {
  for (const spec of importsOf(entry)) {
    if (seen.has(spec)) continue;
    seen.add(spec);
    if (spec.startsWith("./")) reachable(`${spec.slice(2)}.ts`, seen);
  }
  return seen;
}

describe("public API", () => {
  it("exports the spec's functions", () => {
    for (const name of [
      "generateSecret",
      "looksLikeKeywardSecret",
      "findSecretsInText",
      "parseSecret",
      "displaySecret",
      "hashSecret",
      "secretHashesEqual",
      "newPublicId",
      "keyPrefixSchema",
      "matchResource",
      "validateResourceFilter",
      "validateResourcePath",
      "normalizeResourceFilter",
      "authorize",
      "isFullAccess",
      "describeScope",
      "summarizeScopes",
      "impliedActions",
      "parseCidrList",
      "ALLOW_ALL_CIDRS",
      "wildcardFamilies",
      "ipAllowed",
      "compileCidrs",
      "describeCidrChange",
      "keyStatus",
      "expiresSoon",
      "resolveExpiry",
      "EXPIRY_PRESETS",
    ]) {
      expect(keys, name).toHaveProperty(name);
    }
  });

  it("keeps the universal entry point free of node built-ins", () => {
    const modules = [...reachable("universal.ts")];
    expect(modules.filter((spec) => spec.startsWith("node:"))).toEqual([]);
    expect(universal).not.toHaveProperty("generateSecret");
    expect(universal).not.toHaveProperty("hashSecret");
  });

  it("imports nothing outside lib/keys except node:crypto, ipaddr.js and zod", () => {
    const modules = reachable("index.ts");
    const external = [...modules].filter((spec) => !spec.startsWith("./"));
    expect(new Set(external)).toEqual(new Set(["node:crypto", "ipaddr.js", "zod"]));
  });
});
