import { stringify } from "csv-stringify/sync";
import { describe, expect, it } from "vitest";
import { recordAudit } from "@/lib/audit";
import { revokeKeyById } from "@/lib/api-keys/revoke-key";
import {
  AUDIT_CSV_COLUMNS,
  auditCsvRecord,
  exportAuditEvents,
  getAuditFilterOptions,
  listAuditEvents,
  neutralizeCsvCell,
  parseAuditParams,
} from "@/lib/queries/audit";
import { setUpTestDb } from "../support/db";
import { createOrg, makeKey } from "../support/fixtures";

const { db } = await setUpTestDb();

// RFC 4180, enough to read our own export back (csv-parse is not a dependency).
function parse(text: string): string[][] {
  const rows: string[][] = [[]];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      rows.at(-1)!.push(cell);
      cell = "";
    } else if (c === "\n") {
      rows.at(-1)!.push(cell);
      cell = "";
      rows.push([]);
    } else if (c !== "\r") cell += c;
  }
  if (cell || rows.at(-1)!.length) rows.at(-1)!.push(cell);
  return rows.filter((r) => r.length > 0);
}

describe("audit log queries", () => {
  it("filters by actor, action, key and date range, scoped to the organization", async () => {
    const acme = await createOrg(db, { name: "Acme" });
    const other = await createOrg(db, { name: "Other" });
    const { key } = await makeKey(db, acme.actor, { name: "Deploy bot" });
    await makeKey(db, acme.actor, { name: "Second key" });
    await makeKey(db, other.actor, { name: "Deploy bot" });
    await revokeKeyById(db, acme.actor, key.id, "rotated out");
    await recordAudit(db, {
      orgId: acme.orgId,
      actor: { type: "system", label: "Keyward" },
      action: "org.renamed",
      at: new Date("2020-01-01T00:00:00Z"),
    });

    const all = await listAuditEvents(db, acme.orgId, parseAuditParams({}));
    expect(all.total).toBe(4);
    expect(all.rows.map((r) => r.action)).toEqual(["key.revoked", "key.created", "key.created", "org.renamed"]);

    const forKey = await listAuditEvents(db, acme.orgId, parseAuditParams({ key: key.id }));
    expect(forKey.rows.map((r) => [r.action, r.targetName])).toEqual([
      ["key.revoked", "Deploy bot"],
      ["key.created", "Deploy bot"],
    ]);
    expect((await listAuditEvents(db, acme.orgId, parseAuditParams({ action: "key.revoked" }))).total).toBe(1);
    expect((await listAuditEvents(db, acme.orgId, parseAuditParams({ actor: "system" }))).rows[0].action).toBe("org.renamed");
    expect((await listAuditEvents(db, acme.orgId, parseAuditParams({ actor: acme.userId }))).total).toBe(3);
    expect((await listAuditEvents(db, acme.orgId, parseAuditParams({ to: "2021-01-01T00:00:00.000Z" }))).total).toBe(1);
    expect((await listAuditEvents(db, acme.orgId, parseAuditParams({ from: "2021-01-01T00:00:00.000Z" }))).total).toBe(3);
    // Another organization's key id filters to nothing here.
    const otherKey = (await db.apiKey.findFirstOrThrow({ where: { orgId: other.orgId } })).id;
    expect((await listAuditEvents(db, acme.orgId, parseAuditParams({ key: otherKey }))).total).toBe(0);

    const options = await getAuditFilterOptions(db, acme.orgId);
    expect(options.actions.map((a) => a.label)).toEqual(["Key created", "Key revoked", "Organization renamed"]);
    expect(options.keys.map((k) => k.label)).toEqual(["Deploy bot (revoked)", "Second key"]);
  });

  it("bad filter values are dropped, not errors", () => {
    expect(parseAuditParams({ from: "last tuesday", page: "-3", actor: "x".repeat(500) })).toEqual({
      actor: undefined,
      action: undefined,
      key: undefined,
      from: undefined,
      to: undefined,
      page: 1,
    });
  });
});

describe("CSV export", () => {
  it("neutralizes cells a spreadsheet would run as formulas", () => {
    for (const start of ["=", "+", "-", "@", "\t", "\r"])
      expect(neutralizeCsvCell(`${start}cmd|' /C calc'!A0`)).toBe(`'${start}cmd|' /C calc'!A0`);
    expect(neutralizeCsvCell("Mozilla/5.0")).toBe("Mozilla/5.0");
    expect(neutralizeCsvCell(null)).toBe("");
  });

  it("round-trips through a CSV parser with the formula-shaped user agent kept as text", async () => {
    const org = await createOrg(db, { name: "Csv" });
    const by = { ...org.actor, meta: { ip: "198.51.100.1", userAgent: '=HYPERLINK("https://evil.example","x")' } };
    await makeKey(db, by, { name: 'Formula, "quoted"' });
    const rows = await exportAuditEvents(db, org.orgId, parseAuditParams({}));
    const csv = stringify([AUDIT_CSV_COLUMNS, ...rows.map(auditCsvRecord)]);
    const [header, record] = parse(csv) as string[][];
    expect(header).toEqual(AUDIT_CSV_COLUMNS);
    expect(record[AUDIT_CSV_COLUMNS.indexOf("user_agent")]).toBe(`'=HYPERLINK("https://evil.example","x")`);
    expect(record[AUDIT_CSV_COLUMNS.indexOf("target_name")]).toBe('Formula, "quoted"');
    expect(JSON.parse(record[AUDIT_CSV_COLUMNS.indexOf("details")]).after.name).toBe('Formula, "quoted"');
  });
});
