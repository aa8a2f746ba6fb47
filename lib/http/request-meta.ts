// The custom server (server.ts) computes the client address from the socket (and trusted proxies) and
// passes it to Next in these headers, after deleting any copy a client sent.
export const CLIENT_IP_HEADER = "x-keyward-client-ip";
export const SECURE_HEADER = "x-keyward-secure";

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  secure: boolean;
}

export function requestMetaFrom(headers: Pick<Headers, "get">): RequestMeta {
  return {
    ip: headers.get(CLIENT_IP_HEADER),
    userAgent: headers.get("user-agent")?.slice(0, 256) ?? null,
    secure: headers.get(SECURE_HEADER) === "1",
  };
}
