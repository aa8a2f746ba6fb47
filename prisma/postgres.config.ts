import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

const PG_NAME_OID = 19;
const PG_TEXT_OID = 25;

type Field = { dataTypeID: number };
type Queryable = { performIO: (...args: unknown[]) => Promise<{ fields: Field[] }> };

// prisma/prisma#27403: the JS schema engine cannot read columns of PostgreSQL's `name` type (OID 19),
// which `migrate deploy` meets in catalog queries. Re-tag them as text, which they are byte for byte.
function retagNameColumns<T>(queryable: T): T {
  const target = queryable as unknown as Queryable;
  const performIO = target.performIO.bind(target);
  target.performIO = async (...args) => {
    const result = await performIO(...args);
    for (const field of result.fields) if (field.dataTypeID === PG_NAME_OID) field.dataTypeID = PG_TEXT_OID;
    return result;
  };
  const withTx = queryable as unknown as { startTransaction?: (...a: unknown[]) => Promise<unknown> };
  if (withTx.startTransaction) {
    const start = withTx.startTransaction.bind(queryable);
    withTx.startTransaction = async (...a) => retagNameColumns(await start(...a));
  }
  return queryable;
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "postgres/schema.prisma",
  migrations: { path: "postgres/migrations" },
  adapter: async () => {
    const factory = new PrismaPg({ connectionString: process.env.DATABASE_URL });
    const connect = factory.connect.bind(factory);
    factory.connect = async () => retagNameColumns(await connect());
    return factory;
  },
});
