// Resource filters select resources by path, e.g. "projects/web/**" or "checks/*/pings".
//   - segments are separated by "/"; no leading, trailing or doubled slashes
//   - segment characters: A-Z a-z 0-9 . _ ~ : @ -   (URL-path safe, no escaping needed)
//   - "*" as a whole segment matches exactly one segment
//   - "**" as a whole segment matches zero or more segments
//   - "", "*" and "**" alone mean all resources; stored canonically as "" (ALL_RESOURCES)
// A concrete resource path uses the same syntax without wildcards. Matching is case-sensitive.

export const ALL_RESOURCES = "";
export const RESOURCE_SEGMENT_CHARACTERS = "A-Z a-z 0-9 . _ ~ : @ -";
export const RESOURCE_PATH_MAX_LENGTH = 256;
export const RESOURCE_PATH_MAX_SEGMENTS = 32;

const SEGMENT_CHARACTER = /^[A-Za-z0-9._~:@-]$/;
const WHOLE_SEGMENT = /^[A-Za-z0-9._~:@-]+$/;

export type ResourceCheck = { ok: true; value: string } | { ok: false; error: string };

type PathKind = "filter" | "resource";

function describeCharacter(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  if (char === " ") return "a space";
  if (/[\p{Cc}\p{Cf}\p{Z}]/u.test(char)) return `the invisible character ${hex}`;
  return `"${char}" (${hex})`;
}

function checkSegment(segment: string, kind: PathKind, noun: string): string | null {
  if (segment.includes("*")) {
    if (kind === "filter" && (segment === "*" || segment === "**")) return null;
    return kind === "filter"
      ? `Segment "${segment}" mixes a wildcard with other characters; use * or ** as a whole segment`
      : `${noun} cannot contain wildcards (*)`;
  }
  if (segment === "." || segment === "..") {
    return `Segment "${segment}" is not allowed; relative segments like . and .. cannot be used`;
  }
  if (!WHOLE_SEGMENT.test(segment)) {
    for (const char of segment) {
      if (!SEGMENT_CHARACTER.test(char)) {
        return `${noun} contains ${describeCharacter(char)}, which is not allowed; use only ${RESOURCE_SEGMENT_CHARACTERS} and /`;
      }
    }
  }
  return null;
}

function checkPath(input: unknown, kind: PathKind): ResourceCheck {
  const noun = kind === "filter" ? "Resource filter" : "Resource path";
  if (typeof input !== "string") return { ok: false, error: `${noun} must be text` };
  if (input.length > RESOURCE_PATH_MAX_LENGTH) {
    return {
      ok: false,
      error: `${noun} is too long (${input.length} characters; the limit is ${RESOURCE_PATH_MAX_LENGTH})`,
    };
  }
  if (kind === "filter" && (input === "" || input === "*" || input === "**")) {
    return { ok: true, value: ALL_RESOURCES };
  }
  if (input === "") return { ok: false, error: `${noun} is empty` };
  if (input.startsWith("/")) return { ok: false, error: `${noun} must not start with a slash` };
  if (input.endsWith("/")) return { ok: false, error: `${noun} must not end with a slash` };
  const segments = input.split("/");
  if (segments.includes("")) {
    return { ok: false, error: `${noun} has an empty segment (two slashes in a row)` };
  }
  if (segments.length > RESOURCE_PATH_MAX_SEGMENTS) {
    return {
      ok: false,
      error: `${noun} has too many segments (${segments.length}; the limit is ${RESOURCE_PATH_MAX_SEGMENTS})`,
    };
  }
  for (const segment of segments) {
    const error = checkSegment(segment, kind, noun);
    if (error) return { ok: false, error };
  }
  if (kind === "resource") return { ok: true, value: input };
  // "**/**" matches exactly what "**" matches.
  const collapsed = segments.filter((segment, i) => !(segment === "**" && segments[i - 1] === "**"));
  return { ok: true, value: collapsed.length === 1 && collapsed[0] === "**" ? ALL_RESOURCES : collapsed.join("/") };
}

/** Validates a resource filter; on success `value` is its canonical form. */
export function validateResourceFilter(filter: unknown): ResourceCheck {
  return checkPath(filter, "filter");
}

/** Validates a concrete resource path (no wildcards, not empty). */
export function validateResourcePath(resource: unknown): ResourceCheck {
  return checkPath(resource, "resource");
}

/** Canonical form of a valid filter; null when the filter is invalid. */
export function normalizeResourceFilter(filter: unknown): string | null {
  const result = validateResourceFilter(filter);
  return result.ok ? result.value : null;
}

export function isAllResources(filter: unknown): boolean {
  return normalizeResourceFilter(filter) === ALL_RESOURCES;
}

/** "all resources" for the catch-all filter, otherwise the canonical filter itself. */
export function describeResourceFilter(filter: string): string {
  const normalized = normalizeResourceFilter(filter);
  if (normalized === null) return `invalid filter "${filter.slice(0, 40)}"`;
  return normalized === ALL_RESOURCES ? "all resources" : normalized;
}

// Wildcard matching over segments with single-point backtracking ("**" is the
// any-sequence wildcard, "*" the any-single one): O(filter × resource), never exponential.
function matchSegments(pattern: readonly string[], path: readonly string[]): boolean {
  let p = 0;
  let r = 0;
  let starP = -1;
  let starR = 0;
  while (r < path.length) {
    if (p < pattern.length && pattern[p] === "**") {
      starP = p++;
      starR = r;
    } else if (p < pattern.length && (pattern[p] === "*" || pattern[p] === path[r])) {
      p++;
      r++;
    } else if (starP >= 0) {
      p = starP + 1;
      r = ++starR;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === "**") p++;
  return p === pattern.length;
}

export type ResourceMatcher = (resource: string) => boolean;

/** Precompiled matcher for a filter; null when the filter is invalid (it matches nothing). */
export function compileResourceFilter(filter: unknown): ResourceMatcher | null {
  const normalized = normalizeResourceFilter(filter);
  if (normalized === null) return null;
  const pattern = normalized === ALL_RESOURCES ? ["**"] : normalized.split("/");
  return (resource) => validateResourcePath(resource).ok && matchSegments(pattern, resource.split("/"));
}

/** Does the filter select the resource? Invalid filters or resources never match. */
export function matchResource(filter: unknown, resource: unknown): boolean {
  const matcher = compileResourceFilter(filter);
  return matcher !== null && typeof resource === "string" && matcher(resource);
}
