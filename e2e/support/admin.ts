import path from "node:path";

export const ADMIN = { email: "admin@example.com", password: "e2e-password-1234", org: "Acme Robotics", prefix: "kw" };
// E2E_DATA_DIR lets two suites run side by side (with their own E2E_PORT and NEXT_DIST_DIR).
export const e2eDataDir = path.resolve(process.env.E2E_DATA_DIR || ".e2e-data");
export const adminStatePath = path.join(e2eDataDir, "admin.json");
export const serverLogPath = path.join(e2eDataDir, "server.log");
// The database the e2e server runs on: a fresh SQLite file, or the PostgreSQL database scripts/test-e2e.mjs made.
export const e2eDatabaseUrl = process.env.E2E_DATABASE_URL || `file:${path.join(e2eDataDir, "keyward.db")}`;
