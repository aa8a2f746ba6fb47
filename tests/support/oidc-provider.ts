// A real OpenID provider for the SSO tests: the `oidc-provider` package (the certified implementation behind many
// production providers) on 127.0.0.1 with a free port, its development login screen (any login, any password), and
// a table of test accounts. Consent is granted automatically, as a first-party provider would.
import { createServer, type Server } from "node:http";
import { createServer as createNetServer } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, decodeJwt } from "jose";
import Provider from "oidc-provider";

export interface TestClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

export interface TestAccount {
  email: string;
  emailVerified: boolean;
}

export interface TestProvider {
  issuer: string;
  /** Login (account id) → claims; change between tests. */
  accounts: Record<string, TestAccount>;
  /** When set, every ID token the token endpoint returns is re-signed with this audience (a token issued to another client). */
  tamper: { audience?: string };
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export async function startOidcProvider({ clients, accounts = {} }: { clients: TestClient[]; accounts?: Record<string, TestAccount> }) {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: "test-key", alg: "RS256", use: "sig" };
  const tamper: TestProvider["tamper"] = {};

  const provider = new Provider(issuer, {
    clients: clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: c.redirectUris,
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    })),
    jwks: { keys: [jwk] },
    cookies: { keys: ["keyward-test-provider-cookie-key"] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    // The claims go into the ID token itself (Keyward reads them there, not from userinfo).
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    findAccount: (_ctx, id) => ({
      accountId: id,
      claims: () => {
        const account = accounts[id];
        return account ? { sub: id, email: account.email, email_verified: account.emailVerified } : { sub: id };
      },
    }),
    async loadExistingGrant(ctx) {
      const accountId = ctx.oidc.session!.accountId!;
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      return grant;
    },
  });
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as { id_token?: string } | undefined;
    if (tamper.audience && ctx.path === "/token" && body?.id_token) {
      const claims = decodeJwt(body.id_token);
      body.id_token = await new SignJWT({ ...claims, aud: tamper.audience })
        .setProtectedHeader({ alg: "RS256", kid: "test-key", typ: "JWT" })
        .sign(privateKey);
    }
  });

  const server: Server = createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    issuer,
    accounts,
    tamper,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  } satisfies TestProvider;
}

/** Drives the provider's login screen without a browser: follows the authorization URL, signs in as `login`, returns the callback URL. */
export async function signInAtProvider(authorizationUrl: string, login: string): Promise<URL> {
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const remember = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const i = pair.indexOf("=");
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
  };
  let url = authorizationUrl;
  for (let hop = 0; hop < 10; hop++) {
    const res = await fetch(url, { redirect: "manual", headers: { cookie: cookieHeader() } });
    remember(res);
    const location = res.headers.get("location");
    if (location) {
      const next = new URL(location, url);
      if (next.pathname === "/sso/callback") return next;
      url = next.href;
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`The provider showed no login form (${res.status}): ${html.slice(0, 300)}`);
    const submit = await fetch(new URL(action.replace(/&amp;/g, "&"), url), {
      method: "POST",
      redirect: "manual",
      headers: { cookie: cookieHeader(), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ prompt: "login", login, password: "any" }),
    });
    remember(submit);
    const after = submit.headers.get("location");
    if (!after) throw new Error(`The provider did not accept the login (${submit.status})`);
    url = new URL(after, url).href;
  }
  throw new Error("Too many redirects at the provider");
}
