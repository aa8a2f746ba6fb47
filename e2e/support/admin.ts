import path from "node:path";

export const ADMIN = { email: "admin@example.com", password: "e2e-password-1234", org: "Acme Robotics", prefix: "kw" };
export const e2eDataDir = path.resolve(".e2e-data");
export const adminStatePath = path.join(e2eDataDir, "admin.json");
export const serverLogPath = path.join(e2eDataDir, "server.log");
