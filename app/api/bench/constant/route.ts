// The benchmark's "naive" baseline (bench/verify.ts, case a1): a constant from a Next.js route handler for
// the same JSON body the verify endpoint gets. Exists only when the server runs with KEYWARD_BENCH=1.
export const dynamic = "force-dynamic";

export async function POST(req: Request) {
  if (process.env.KEYWARD_BENCH !== "1") return Response.json({ error: { code: "NOT_FOUND", message: "Not found" } }, { status: 404 });
  await req.json().catch(() => null);
  return Response.json({ valid: true }, { headers: { "cache-control": "no-store" } });
}
