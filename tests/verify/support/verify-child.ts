// A second process serving only the verify endpoint on the same database: what "another instance" is in
// the cross-process tests. Prints "ready <port>"; on SIGTERM flushes usage and exits.
import { createDb } from "@/lib/db/client";
import { startVerifyServer } from "@/lib/verify/service";

const db = createDb(process.env.DATABASE_URL);
const server = await startVerifyServer({ db, url: process.env.DATABASE_URL, hosts: ["127.0.0.1"], prune: false });
console.log(`ready ${server.port}`);
process.on("SIGTERM", () => {
  void server.close().then(async (stats) => {
    console.log(`usage: ${stats.answered} verifications answered, ${stats.written} events written, ${stats.buffered} unwritten`);
    await db.$disconnect();
    process.exit(0);
  });
});
