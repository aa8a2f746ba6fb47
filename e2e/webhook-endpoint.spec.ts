import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { expectAccessible, screenshotBoth } from "./support/keys";

// An admin adds a webhook endpoint in Settings → Webhooks, copies its one-time signing secret, sends a test event,
// and sees the delivery in the log — received by a real local HTTP receiver that verifies the signature with the
// standardwebhooks library.
test("add a webhook endpoint, send a test event, see the delivery log", async ({ page }) => {
  let secret = "";
  const received: { id: string; type: string | null }[] = [];
  const receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      let type: string | null = null;
      try {
        type = (new Webhook(secret).verify(body, req.headers as Record<string, string>) as { type: string }).type;
      } catch {
        type = null;
      }
      received.push({ id: String(req.headers["webhook-id"]), type });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/keyward`;

  try {
    await page.goto("/settings");
    await page.getByRole("link", { name: "Webhooks" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();

    // With private targets refused (the default), a loopback receiver is refused with a field error.
    await page.getByLabel("Endpoint URL").fill(url);
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await expect(page.getByText(/resolves to 127\.0\.0\.1/)).toBeVisible();

    await page.getByRole("button", { name: "Allow private targets" }).click();
    await expect(page.getByRole("button", { name: "Refuse private targets" })).toBeVisible();

    await page.getByLabel("Endpoint URL").fill(url);
    await page.getByLabel("Description (optional)").fill("Local receiver");
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const dialog = page.getByRole("dialog", { name: "Endpoint signing secret" });
    await expect(dialog).toBeVisible();
    secret = (await dialog.getByTestId("endpoint-secret").textContent()) ?? "";
    expect(secret).toMatch(/^whsec_/);
    await expectAccessible(page);
    await dialog.getByLabel("I have copied this secret").check();
    await dialog.getByRole("button", { name: "Done" }).click();
    await expect(dialog).toBeHidden();

    const card = page.getByRole("region", { name: url });
    await expect(card).toBeVisible();
    // The secret was shown once: it is nowhere on the page now.
    expect(await page.content()).not.toContain(secret);

    await card.getByRole("button", { name: "Send test event" }).click();
    await expect.poll(() => received.length, { timeout: 15_000 }).toBe(1);
    expect(received[0]).toMatchObject({ type: "webhook.test" });
    expect(received[0].id).toMatch(/^evt_/);

    // The log shows the delivery once the dispatcher has written its outcome.
    await expect(async () => {
      await page.reload();
      await expect(card.getByTestId("delivery-row").first()).toContainText("succeeded", { timeout: 1000 });
    }).toPass({ timeout: 15_000 });
    const row = card.getByTestId("delivery-row").first();
    await expect(row).toContainText("webhook.test");
    await expect(row).toContainText(received[0].id);
    await expect(row).toContainText("204");

    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
      await expectAccessible(page);
    }
    await screenshotBoth(page, "webhooks");
    await page.setViewportSize({ width: 1280, height: 900 });

    // Resend: the same event id again.
    await row.getByRole("button", { name: "Resend" }).click();
    await expect.poll(() => received.length, { timeout: 15_000 }).toBe(2);
    expect(received[1]).toEqual(received[0]);

    // Leave the endpoint disabled and private targets refused for the specs after this one.
    await card.getByRole("button", { name: "Disable" }).click();
    await expect(card.getByText("Disabled", { exact: true })).toBeVisible();
    await page.getByRole("button", { name: "Refuse private targets" }).click();
    await expect(page.getByRole("button", { name: "Allow private targets" })).toBeVisible();
  } finally {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  }
});
