import { request } from "node:http";

export interface VerifyResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the reply field by field; each assertion checks the shape
  json: any;
  text: string;
}

/** POST with node:http (not fetch) so a test controls the exact bytes and the local address family. */
export function post(url: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<VerifyResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", headers: { "content-type": "application/json", ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown = null;
        try {
          json = JSON.parse(text);
        } catch {
          json = null;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json, text });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

export function verify(baseUrl: string, body: Record<string, unknown>, headers?: Record<string, string>) {
  return post(`${baseUrl}/api/v1/keys/verify`, JSON.stringify(body), headers);
}
