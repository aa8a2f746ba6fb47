import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matchResource, normalizeResourceFilter } from "./resource-filter";
import {
  authorize,
  compileScopes,
  describeScope,
  impliedActions,
  isFullAccess,
  normalizeScope,
  REQUEST_ACTIONS,
  SCOPE_ACTIONS,
  summarizeScopes,
  validateScope,
  type RequestAction,
  type Scope,
  type ScopeAction,
} from "./scopes";

// The hierarchy written out by hand, independent of the implementation's table.
const GRANTS: Record<ScopeAction, RequestAction[]> = {
  read: ["read"],
  write: ["read", "write"],
  admin: ["read", "write", "admin"],
  "*": ["read", "write", "admin"],
};

const s = (action: ScopeAction, resourceFilter: string): Scope => ({ action, resourceFilter });

describe("impliedActions", () => {
  it("follows admin ⊃ write ⊃ read, and * allows everything", () => {
    expect(impliedActions("read")).toEqual(["read"]);
    expect(impliedActions("write")).toEqual(["write", "read"]);
    expect(impliedActions("admin")).toEqual(["admin", "write", "read"]);
    expect(impliedActions("*")).toEqual(["admin", "write", "read"]);
    expect(impliedActions("owner" as ScopeAction)).toEqual([]);
  });
});

describe("authorize", () => {
  const scopes = [s("read", "projects/web/**"), s("write", "checks/*/pings")];

  it("allows what a scope grants and names the scope", () => {
    expect(authorize(scopes, "read", "projects/web/deploys")).toEqual({ allowed: true, scope: scopes[0] });
    expect(authorize(scopes, "read", "checks/c1/pings")).toEqual({ allowed: true, scope: scopes[1] });
    expect(authorize(scopes, "write", "checks/c1/pings")).toEqual({ allowed: true, scope: scopes[1] });
  });

  it("denies with a human reason", () => {
    expect(authorize(scopes, "write", "projects/web/deploys")).toEqual({
      allowed: false,
      reason: "No scope grants write on projects/web/deploys",
    });
    expect(authorize(scopes, "admin", "checks/c1/pings")).toEqual({
      allowed: false,
      reason: "No scope grants admin on checks/c1/pings",
    });
    expect(authorize([], "read", "x")).toEqual({ allowed: false, reason: "No scope grants read on x" });
  });

  it("with no resource, needs a scope over all resources", () => {
    expect(authorize(scopes, "read")).toEqual({ allowed: false, reason: "No scope grants read on all resources" });
    expect(authorize([s("read", "**")], "read")).toEqual({ allowed: true, scope: s("read", "**") });
    expect(authorize([s("read", "")], "write").allowed).toBe(false);
    expect(authorize([s("admin", "*")], "write").allowed).toBe(true);
  });

  it("denies malformed requests instead of throwing", () => {
    const all = [s("*", "")];
    expect(authorize(all, "read", "a//b")).toEqual({
      allowed: false,
      reason: "Requested resource is invalid: Resource path has an empty segment (two slashes in a row)",
    });
    expect(authorize(all, "read", "projects/*")).toMatchObject({ allowed: false });
    expect(authorize(all, "read", "")).toEqual({ allowed: false, reason: "Requested resource is invalid: Resource path is empty" });
    expect(authorize(all, "*" as RequestAction, "a")).toEqual({
      allowed: false,
      reason: 'Unknown action "*"; expected read, write or admin',
    });
    expect(authorize(all, "delete" as RequestAction)).toMatchObject({ allowed: false });
    expect(authorize(all, undefined as unknown as RequestAction)).toEqual({
      allowed: false,
      reason: "Unknown action undefined; expected read, write or admin",
    });
    expect(authorize(undefined as unknown as Scope[], "read")).toMatchObject({ allowed: false });
  });

  it("ignores invalid scopes (they grant nothing)", () => {
    const broken = [
      s("read", "a//b"),
      { action: "owner", resourceFilter: "" } as unknown as Scope,
      { action: "admin" } as unknown as Scope,
      null as unknown as Scope,
    ];
    expect(authorize(broken, "read", "a/b").allowed).toBe(false);
    expect(authorize(broken, "read").allowed).toBe(false);
    expect(authorize([...broken, s("read", "a/*")], "read", "a/b")).toEqual({ allowed: true, scope: s("read", "a/*") });
  });

  it("reports the least powerful scope that grants the request", () => {
    const full = s("*", "");
    const admin = s("admin", "projects/**");
    const writeBroad = s("write", "**");
    const writeNarrow = s("write", "projects/web/deploys");
    const list = [full, admin, writeBroad, writeNarrow];
    expect(authorize(list, "read", "projects/web/deploys")).toEqual({ allowed: true, scope: writeNarrow });
    expect(authorize(list, "write", "projects/api")).toEqual({ allowed: true, scope: writeBroad });
    expect(authorize(list, "admin", "projects/api")).toEqual({ allowed: true, scope: admin });
    expect(authorize(list, "admin", "billing")).toEqual({ allowed: true, scope: full });
  });

  it("compileScopes gives the same answers as authorize", () => {
    const check = compileScopes(scopes);
    expect(check("read", "projects/web/x")).toEqual(authorize(scopes, "read", "projects/web/x"));
    expect(check("write")).toEqual(authorize(scopes, "write"));
  });
});

describe("authorize properties", () => {
  const actionArb = fc.constantFrom(...SCOPE_ACTIONS);
  const requestArb = fc.constantFrom(...REQUEST_ACTIONS);
  const filterArb = fc.oneof(
    fc.array(fc.constantFrom("a", "b", "*", "**"), { minLength: 1, maxLength: 4 }).map((x) => x.join("/")),
    fc.constantFrom("", "a//b", "/a", "a*", "..", "a b"),
  );
  const scopeArb = fc.record({ action: actionArb, resourceFilter: filterArb });
  const resourceArb = fc.option(
    fc.array(fc.constantFrom("a", "b", "c"), { minLength: 1, maxLength: 5 }).map((x) => x.join("/")),
    { nil: undefined },
  );

  function bruteForce(scopes: Scope[], action: RequestAction, resource: string | undefined): boolean {
    return scopes.some((scope) => {
      const filter = normalizeResourceFilter(scope.resourceFilter);
      if (filter === null || !GRANTS[scope.action].includes(action)) return false;
      return resource === undefined ? filter === "" : matchResource(filter, resource);
    });
  }

  it("never allows an action the hierarchy does not grant", () => {
    fc.assert(
      fc.property(fc.array(scopeArb, { maxLength: 6 }), requestArb, resourceArb, (scopes, action, resource) => {
        const result = authorize(scopes, action, resource);
        if (result.allowed) {
          expect(scopes).toContain(result.scope);
          expect(GRANTS[result.scope.action]).toContain(action);
          const filter = normalizeResourceFilter(result.scope.resourceFilter);
          expect(filter).not.toBeNull();
          if (resource === undefined) expect(filter).toBe("");
          else expect(matchResource(filter, resource)).toBe(true);
        } else {
          expect(result.reason).toMatch(/^No scope grants (read|write|admin) on /);
        }
        expect(result.allowed).toBe(bruteForce(scopes, action, resource));
      }),
      { numRuns: 3000 },
    );
  });

  it("a read-only key can never write or administer", () => {
    fc.assert(
      fc.property(fc.array(filterArb, { maxLength: 6 }), resourceArb, (filters, resource) => {
        const scopes = filters.map((filter) => s("read", filter));
        expect(authorize(scopes, "write", resource).allowed).toBe(false);
        expect(authorize(scopes, "admin", resource).allowed).toBe(false);
      }),
    );
  });

  it("adding a scope never takes a permission away, and a stronger action never grants less", () => {
    fc.assert(
      fc.property(fc.array(scopeArb, { maxLength: 5 }), scopeArb, requestArb, resourceArb, (scopes, extra, action, resource) => {
        if (authorize(scopes, action, resource).allowed) {
          expect(authorize([...scopes, extra], action, resource).allowed).toBe(true);
        }
        const upgraded = scopes.map((scope) => ({ ...scope, action: "*" as const }));
        if (authorize(scopes, action, resource).allowed) {
          expect(authorize(upgraded, action, resource).allowed).toBe(true);
        }
      }),
    );
  });
});

describe("validateScope / normalizeScope", () => {
  it("normalises the filter", () => {
    expect(normalizeScope(s("read", "**"))).toEqual(s("read", ""));
    expect(validateScope(s("write", "a/**/**"))).toEqual({ ok: true, scope: s("write", "a/**") });
  });

  it.each([
    [null, "Scope must be an object"],
    ["read", "Scope must be an object"],
    [{ action: "owner", resourceFilter: "" }, 'Unknown action "owner"; expected read, write, admin or *'],
    [{ action: 3, resourceFilter: "" }, "Unknown action 3; expected read, write, admin or *"],
    [{ action: "read" }, "Resource filter must be text"],
    [{ action: "read", resourceFilter: "a//b" }, "Resource filter has an empty segment (two slashes in a row)"],
  ])("rejects %j", (scope, error) => {
    expect(validateScope(scope)).toEqual({ ok: false, error });
  });
});

describe("isFullAccess", () => {
  it("is true only for * on all resources", () => {
    expect(isFullAccess([s("*", "")])).toBe(true);
    expect(isFullAccess([s("read", "a"), s("*", "**")])).toBe(true);
    expect(isFullAccess([s("*", "*")])).toBe(true);
    expect(isFullAccess([s("admin", "")])).toBe(false);
    expect(isFullAccess([s("*", "projects/**")])).toBe(false);
    expect(isFullAccess([])).toBe(false);
    expect(isFullAccess(undefined as unknown as Scope[])).toBe(false);
  });
});

describe("describeScope / summarizeScopes", () => {
  it.each([
    [s("read", "projects/web/**"), "Read projects/web/**"],
    [s("write", ""), "Write all resources"],
    [s("admin", "**"), "Admin all resources"],
    [s("*", ""), "Any action on all resources"],
    [s("*", "checks/*/pings"), "Any action on checks/*/pings"],
    [s("read", "a//b"), "Invalid scope (grants nothing)"],
  ])("describes %j as %s", (scope, text) => {
    expect(describeScope(scope)).toBe(text);
  });

  it("summarises a list for a table column", () => {
    expect(summarizeScopes([])).toBe("No scopes");
    expect(summarizeScopes(undefined as unknown as Scope[])).toBe("No scopes");
    expect(summarizeScopes([s("read", "a//b")])).toBe("No valid scopes");
    expect(summarizeScopes([s("read", "x"), s("*", "")])).toBe("Full access");
    expect(summarizeScopes([s("read", "projects/**")])).toBe("Read projects/**");
    expect(summarizeScopes([s("read", "b"), s("admin", "projects/**"), s("read", "a"), s("read", "a")])).toBe("Admin projects/** +2 more");
    expect(summarizeScopes([s("read", "b"), s("read", "a")])).toBe("Read a +1 more");
  });
});
