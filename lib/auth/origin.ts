/** The variables read here (a plain object in tests). */
export type Env = Record<string, string | undefined>;

/**
 * Which Host names the app answers (SPEC §7): the host of APP_ORIGIN when it is set, else only
 * loopback names, so that a DNS-rebinding page on another name gets nothing.
 */
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

export function appOrigin(env: Env = process.env): URL | null {
  const value = env.APP_ORIGIN?.trim();
  if (!value) return null;
  const url = new URL(value);
  return new URL(url.origin);
}

const hostnameOf = (host: string) => (host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.split(":")[0]).toLowerCase();

/** Whether a request's Host header names this app. */
export function hostAllowed(host: string | null, env: Env = process.env): boolean {
  if (!host) return false;
  const origin = appOrigin(env);
  if (origin) return host.toLowerCase() === origin.host.toLowerCase();
  return LOOPBACK.has(hostnameOf(host));
}

/** Whether an Origin header names the same site the request was sent to (scheme and host). */
export function sameOrigin(origin: string, host: string | null, env: Env = process.env): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const expected = appOrigin(env);
  if (expected) return url.origin === expected.origin;
  return host !== null && url.host.toLowerCase() === host.toLowerCase();
}

export const HOST_REFUSED_MESSAGE = (host: string | null) =>
  `This server answers only for ${appOrigin()?.host ?? "localhost, 127.0.0.1 and [::1]"}; the request named ${JSON.stringify(host)}. ` +
  "Set APP_ORIGIN to the address people use to reach it.";
