import "server-only";
import { cookies } from "next/headers";

/**
 * A short-lived cookie that binds one step of signing in (a pending second factor, a passkey ceremony, a single
 * sign-on) to the browser that began it: HttpOnly, SameSite=Lax (sent on a provider's top-level redirect back),
 * and __Host- with Secure behind TLS, like the session cookie.
 */
export function browserBoundCookie(name: string) {
  const nameFor = (secure: boolean) => (secure ? `__Host-${name}` : name);
  const read = async (secure: boolean) => (await cookies()).get(nameFor(secure))?.value;
  const clear = async (secure: boolean) => (await cookies()).delete({ name: nameFor(secure), path: "/", secure });
  return {
    async set(value: string, secure: boolean, expires: Date) {
      (await cookies()).set(nameFor(secure), value, { httpOnly: true, sameSite: "lax", secure, path: "/", expires });
    },
    read,
    clear,
    /** Read and deleted at once: one answer per step. */
    async take(secure: boolean) {
      const value = await read(secure);
      if (value !== undefined) await clear(secure);
      return value;
    },
  };
}
