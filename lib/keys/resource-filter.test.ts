import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ALL_RESOURCES,
  compileResourceFilter,
  describeResourceFilter,
  isAllResources,
  matchResource,
  normalizeResourceFilter,
  validateResourceFilter,
  validateResourcePath,
} from "./resource-filter";

// Reference 1: a plain recursive matcher over segments, written from the spec.
function referenceMatch(pattern: string[], path: string[]): boolean {
  if (pattern.length === 0) return path.length === 0;
  const [head, ...rest] = pattern;
  if (head === "**") return referenceMatch(rest, path) || (path.length > 0 && referenceMatch(pattern, path.slice(1)));
  if (path.length === 0) return false;
  return (head === "*" || head === path[0]) && referenceMatch(rest, path.slice(1));
}

function referenceFilterMatch(filter: string, resource: string): boolean {
  if (filter === "" || filter === "*" || filter === "**") return true;
  return referenceMatch(filter.split("/"), resource.split("/"));
}

// Reference 2: a regular expression over "/" + resource, where each filter segment
// consumes its own leading slash.
function filterToRegExp(filter: string): RegExp {
  if (filter === "" || filter === "*" || filter === "**") return /^\/.+$/;
  const source = filter
    .split("/")
    .map((segment) => {
      if (segment === "**") return "(?:/[^/]+)*";
      if (segment === "*") return "/[^/]+";
      return `/${segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`;
    })
    .join("");
  return new RegExp(`^${source}$`);
}

const segmentArb = fc.constantFrom("a", "b", "c");
const filterSegmentArb = fc.constantFrom("a", "b", "c", "*", "**");
const filterArb = fc.array(filterSegmentArb, { minLength: 1, maxLength: 7 }).map((s) => s.join("/"));
const resourceArb = fc.array(segmentArb, { minLength: 1, maxLength: 8 }).map((s) => s.join("/"));

describe("matchResource", () => {
  it.each([
    ["projects/web/**", "projects/web", true],
    ["projects/web/**", "projects/web/deploys", true],
    ["projects/web/**", "projects/web/deploys/42/logs", true],
    ["projects/web/**", "projects/api/deploys", false],
    ["projects/web/**", "projects/website", false],
    ["checks/*/pings", "checks/c1/pings", true],
    ["checks/*/pings", "checks/pings", false],
    ["checks/*/pings", "checks/a/b/pings", false],
    ["**/pings", "pings", true],
    ["**/pings", "checks/c1/pings", true],
    ["a/**/b/**/c", "a/b/c", true],
    ["a/**/b/**/c", "a/x/b/y/z/c", true],
    ["a/**/b/**/c", "a/x/c", false],
    ["", "anything/at/all", true],
    ["*", "anything/at/all", true],
    ["**", "x", true],
    ["Projects/**", "projects/web", false],
    ["projects/web", "projects/web", true],
    ["projects/web", "projects/web/x", false],
  ])("%s vs %s → %s", (filter, resource, expected) => {
    expect(matchResource(filter, resource)).toBe(expected);
  });

  it("never matches invalid filters or resources", () => {
    expect(matchResource("a//b", "a/b")).toBe(false);
    expect(matchResource("**", "")).toBe(false);
    expect(matchResource("**", "a/../b")).toBe(false);
    expect(matchResource("**", "a/*")).toBe(false);
    expect(matchResource("a/*", "a/*")).toBe(false);
    expect(matchResource("**", 42)).toBe(false);
    expect(matchResource(null, "a")).toBe(false);
    expect(compileResourceFilter("a b")).toBeNull();
  });

  it("agrees with a recursive reference matcher", () => {
    fc.assert(
      fc.property(filterArb, resourceArb, (filter, resource) => {
        expect(matchResource(filter, resource)).toBe(referenceFilterMatch(filter, resource));
      }),
      { numRuns: 5000 },
    );
  });

  it("agrees with a regular-expression translation", () => {
    fc.assert(
      fc.property(filterArb, resourceArb, (filter, resource) => {
        expect(matchResource(filter, resource)).toBe(filterToRegExp(filter).test(`/${resource}`));
      }),
      { numRuns: 5000 },
    );
  });

  it("matches the same after normalisation", () => {
    fc.assert(
      fc.property(filterArb, resourceArb, (filter, resource) => {
        const normalized = normalizeResourceFilter(filter);
        expect(normalized).not.toBeNull();
        expect(matchResource(normalized, resource)).toBe(matchResource(filter, resource));
        expect(normalizeResourceFilter(normalized)).toBe(normalized);
      }),
      { numRuns: 2000 },
    );
  });

  it("stays fast on adversarial patterns", () => {
    const filter = Array.from({ length: 16 }, () => "**/a").join("/");
    const resource = [...Array.from({ length: 31 }, () => "a"), "b"].join("/");
    const started = performance.now();
    expect(matchResource(filter, resource)).toBe(false);
    expect(performance.now() - started).toBeLessThan(250);
  });
});

describe("validateResourceFilter", () => {
  it.each([
    ["", ""],
    ["*", ""],
    ["**", ""],
    ["**/**", ""],
    ["projects/web/**", "projects/web/**"],
    ["a/**/**/b", "a/**/b"],
    ["**/*", "**/*"],
    ["checks/*/pings", "checks/*/pings"],
    ["users/alice@example.com/keys", "users/alice@example.com/keys"],
    ["ns:prod/v1.2_x~y-z", "ns:prod/v1.2_x~y-z"],
    [`${"a/".repeat(31)}a`, `${"a/".repeat(31)}a`],
  ])("accepts %j as %j", (input, canonical) => {
    expect(validateResourceFilter(input)).toEqual({ ok: true, value: canonical });
  });

  it.each([
    ["a//b", "Resource filter has an empty segment (two slashes in a row)"],
    ["/projects", "Resource filter must not start with a slash"],
    ["projects/", "Resource filter must not end with a slash"],
    ["/", "Resource filter must not start with a slash"],
    ["a/../b", 'Segment ".." is not allowed; relative segments like . and .. cannot be used'],
    ["./a", 'Segment "." is not allowed; relative segments like . and .. cannot be used'],
    ["a**", 'Segment "a**" mixes a wildcard with other characters; use * or ** as a whole segment'],
    ["a/b*", 'Segment "b*" mixes a wildcard with other characters; use * or ** as a whole segment'],
    ["***", 'Segment "***" mixes a wildcard with other characters; use * or ** as a whole segment'],
    ["a b", "Resource filter contains a space, which is not allowed; use only A-Z a-z 0-9 . _ ~ : @ - and /"],
    ["a#b", 'Resource filter contains "#" (U+0023), which is not allowed; use only A-Z a-z 0-9 . _ ~ : @ - and /'],
    ["a?b", 'Resource filter contains "?" (U+003F), which is not allowed; use only A-Z a-z 0-9 . _ ~ : @ - and /'],
    ["a%2Fb", 'Resource filter contains "%" (U+0025), which is not allowed; use only A-Z a-z 0-9 . _ ~ : @ - and /'],
    ["a\\b", 'Resource filter contains "\\" (U+005C), which is not allowed; use only A-Z a-z 0-9 . _ ~ : @ - and /'],
    ["café", 'Resource filter contains "é" (U+00E9), which is not allowed; use only A-Z a-z 0-9 . _ ~ : @ - and /'],
    ["a\u200bb", "Resource filter contains the invisible character U+200B, which is not allowed; use only A-Z a-z 0-9 . _ ~ : @ - and /"],
    ["a\nb", "Resource filter contains the invisible character U+000A, which is not allowed; use only A-Z a-z 0-9 . _ ~ : @ - and /"],
    ["x/😀", 'Resource filter contains "😀" (U+1F600), which is not allowed; use only A-Z a-z 0-9 . _ ~ : @ - and /'],
    [" projects", "Resource filter contains a space, which is not allowed; use only A-Z a-z 0-9 . _ ~ : @ - and /"],
    [`${"a/".repeat(32)}a`, "Resource filter has too many segments (33; the limit is 32)"],
    ["a".repeat(257), "Resource filter is too long (257 characters; the limit is 256)"],
  ])("rejects %j", (input, error) => {
    expect(validateResourceFilter(input)).toEqual({ ok: false, error });
  });

  it("rejects a 10k-character filter with a clean message", () => {
    expect(validateResourceFilter("a".repeat(10_000))).toEqual({
      ok: false,
      error: "Resource filter is too long (10000 characters; the limit is 256)",
    });
  });

  it("rejects non-strings", () => {
    expect(validateResourceFilter(undefined)).toEqual({ ok: false, error: "Resource filter must be text" });
    expect(normalizeResourceFilter(5)).toBeNull();
  });

  it("never throws and validates 10k-character junk quickly", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), (input) => {
        const result = validateResourceFilter(input);
        if (result.ok) expect(validateResourceFilter(result.value)).toEqual(result);
      }),
    );
    const started = performance.now();
    validateResourceFilter("a/".repeat(5000));
    validateResourcePath("*".repeat(10_000));
    expect(performance.now() - started).toBeLessThan(250);
  });
});

describe("validateResourcePath", () => {
  it("accepts concrete paths unchanged", () => {
    expect(validateResourcePath("projects/web/deploys")).toEqual({ ok: true, value: "projects/web/deploys" });
  });

  it.each([
    ["", "Resource path is empty"],
    ["*", "Resource path cannot contain wildcards (*)"],
    ["projects/**", "Resource path cannot contain wildcards (*)"],
    ["/projects/web", "Resource path must not start with a slash"],
    ["projects//web", "Resource path has an empty segment (two slashes in a row)"],
    ["projects/./web", 'Segment "." is not allowed; relative segments like . and .. cannot be used'],
    [null, "Resource path must be text"],
  ])("rejects %j", (input, error) => {
    expect(validateResourcePath(input)).toEqual({ ok: false, error });
  });
});

describe("helpers", () => {
  it("isAllResources and describeResourceFilter", () => {
    expect(ALL_RESOURCES).toBe("");
    expect(isAllResources("**")).toBe(true);
    expect(isAllResources("**/**")).toBe(true);
    expect(isAllResources("a/**")).toBe(false);
    expect(isAllResources("bad//")).toBe(false);
    expect(describeResourceFilter("*")).toBe("all resources");
    expect(describeResourceFilter("a/**/**")).toBe("a/**");
    expect(describeResourceFilter("a b")).toBe('invalid filter "a b"');
  });
});
