import { describe, expect, it } from "vitest";
import { describeScopeChange } from "@/app/(console)/keys/_components/scope-change";

describe("describeScopeChange (the edit confirmation)", () => {
  it("names what stops working and what starts working", () => {
    expect(
      describeScopeChange(
        [
          { action: "read", resourceFilter: "projects/**" },
          { action: "write", resourceFilter: "deploys/*" },
        ],
        [
          { action: "read", resourceFilter: "projects/**" },
          { action: "admin", resourceFilter: "billing" },
        ],
      ),
    ).toEqual(["calls that need write deploys/* will be refused", "calls that need admin billing will be allowed"]);
  });

  it("says nothing when a remaining scope still grants the removed one", () => {
    expect(describeScopeChange([{ action: "read", resourceFilter: "a/b" }], [{ action: "write", resourceFilter: "" }])).toEqual([
      "calls that need write all resources will be allowed",
    ]);
    expect(describeScopeChange([{ action: "read", resourceFilter: "a" }], [{ action: "read", resourceFilter: "a" }])).toEqual([]);
  });
});
