// An example of a service protected by Keyward keys, using the repo's own client (lib/client): a key
// needs read on demo/** (this route checks demo/echo). 401/403 answers say why.
import { withKey } from "@/lib/client";

export const dynamic = "force-dynamic";

const MESSAGE_MAX = 500;

export const GET = withKey({ action: "read", resource: "demo/echo" }, (req, key) => {
  const message = (new URL(req.url).searchParams.get("message") ?? "").slice(0, MESSAGE_MAX);
  return Response.json({ ok: true, keyId: key.keyId, keyName: key.name, message }, { headers: { "cache-control": "no-store" } });
});

export const POST = withKey({ action: "read", resource: "demo/echo" }, async (req, key) => {
  const text = (await req.text()).slice(0, MESSAGE_MAX);
  return Response.json({ ok: true, keyId: key.keyId, keyName: key.name, message: text }, { headers: { "cache-control": "no-store" } });
});
