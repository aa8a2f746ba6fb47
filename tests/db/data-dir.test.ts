import { existsSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { databaseUrl, defaultDatabaseUrl } from "@/lib/db-url";
import { testBackend } from "../support/db";
import { startKeyward, type KeywardServer } from "../support/keyward-server";

// KEYWARD_DATA_DIR moves everything Keyward keeps on disk: the generated master key and, unless DATABASE_URL names
// another database, the SQLite file.

describe("the data directory", () => {
  it("holds the default SQLite database, and DATABASE_URL still wins", () => {
    expect(databaseUrl({ KEYWARD_DATA_DIR: "/srv/keyward" })).toBe("file:/srv/keyward/keyward.db");
    expect(databaseUrl({})).toBe("file:./data/keyward.db");
    expect(defaultDatabaseUrl({ KEYWARD_DATA_DIR: " " })).toBe("file:./data/keyward.db");
    expect(databaseUrl({ KEYWARD_DATA_DIR: "/srv/keyward", DATABASE_URL: "file:/elsewhere.db" })).toBe("file:/elsewhere.db");
  });

  let server: KeywardServer | undefined;
  afterAll(() => server?.stop());

  it.runIf(testBackend === "sqlite")(
    "a server started without DATABASE_URL migrates and serves a database inside it",
    async () => {
      server = await startKeyward({ databaseUrl: null });
      const setup = await fetch(`${server.url}/setup`, { redirect: "manual" });
      expect(setup.status).toBe(200);
      expect(existsSync(path.join(server.dataDir, "keyward.db"))).toBe(true);
    },
    900_000,
  );

  it.runIf(testBackend === "sqlite")("the same fresh install serves its favicon and app icons, linked from every page", async () => {
    for (const [file, type] of [
      ["/favicon.ico", "image/x-icon"],
      ["/favicon.svg", "image/svg+xml"],
      ["/apple-touch-icon.png", "image/png"],
      ["/icon-192.png", "image/png"],
      ["/site.webmanifest", "application/manifest+json"],
    ]) {
      const response = await fetch(`${server!.url}${file}`);
      expect(response.status, file).toBe(200);
      expect(response.headers.get("content-type"), file).toContain(type);
    }
    const html = await (await fetch(`${server!.url}/login`)).text();
    expect(html).toContain('rel="icon" href="/favicon.svg"');
    expect(html).toContain('rel="apple-touch-icon" href="/apple-touch-icon.png"');
  });
});
