import { expect, test } from "@playwright/test";
import { ADMIN } from "./support/admin";

test("security headers: CSP without unsafe-eval, no framing, nosniff, referrer policy", async ({ request }) => {
  const response = await request.get("/login");
  const headers = response.headers();
  const csp = headers["content-security-policy"];
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).not.toContain("unsafe-eval");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("same-origin");
  expect(headers["x-frame-options"]).toBe("DENY");
});

test("the session cookie is HttpOnly and SameSite=Lax", async ({ page }) => {
  await page.goto("/keys");
  const cookie = (await page.context().cookies()).find((c) => c.name === "kw_session");
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false });
});

test("a server action POSTed from another origin is refused and changes nothing", async ({ page, playwright, baseURL }) => {
  await page.goto("/settings");
  const name = page.getByLabel("Name", { exact: true });
  await name.fill(`${ADMIN.org} X`);
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"]),
    page.getByRole("button", { name: "Save name" }).click(),
  ]);
  await expect(page.getByRole("status")).toHaveText("Saved");

  // The admin's own cookies, as a cross-site form or fetch would carry them — but from another origin.
  const forged = await playwright.request.newContext({ baseURL, storageState: await page.context().storageState() });
  const headers = {
    "next-action": request.headers()["next-action"],
    "content-type": "text/plain;charset=UTF-8",
    accept: "text/x-component",
  };
  const crossOrigin = await forged.post("/settings", {
    headers: { ...headers, origin: "https://evil.example" },
    data: JSON.stringify([{ name: "Hijacked" }]),
  });
  expect(crossOrigin.ok()).toBe(false);
  expect(await crossOrigin.text()).not.toContain('"ok":true');
  // Control: the same request from the right origin goes through, so the refusal was the origin check.
  const sameOrigin = await forged.post("/settings", {
    headers: { ...headers, origin: baseURL! },
    data: JSON.stringify([{ name: ADMIN.org }]),
  });
  expect(await sameOrigin.text()).toContain('"ok":true');
  await forged.dispose();

  await page.reload();
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue(ADMIN.org);
});
