import { dropDatabaseForce, postgresAdminQuery as adminQuery } from "@/lib/db/postgres-admin";

/** The same server as `url`, another database name. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function createDatabaseFrom(url: string, name: string, template?: string) {
  await adminQuery(url, `CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ""}`);
  return withDatabase(url, name);
}

export async function dropDatabase(url: string, name: string) {
  await dropDatabaseForce(url, name);
}
