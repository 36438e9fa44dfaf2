import { NextResponse, type NextRequest } from "next/server";
import { HOST_REFUSED_MESSAGE, hostAllowed } from "@/lib/auth/origin";
import { resolvePrincipal } from "@/lib/auth/principal";
import { roleAllows, type Role } from "@/lib/auth/roles";
import { getApp } from "@/lib/server/app";
import { NOT_FOUND_KIND_HEADER, pageStatus } from "@/lib/server/page-status";

/**
 * In front of every page and API request (SPEC §7):
 * 1. a Host that is not this app's is refused (DNS rebinding gets nothing);
 * 2. a page request without a valid session goes to /login?next=…; an API request without a
 *    session or key gets 401 here, and its role is checked by the route's guard (lib/server/route);
 * 3. every page gets a Content-Security-Policy with a fresh nonce, no framing and nosniff;
 * 4. a page whose status is known before it renders gets it: 404 for a customer that does not
 *    exist, 400 for a list's bad filters (lib/server/page-status), since a streamed page cannot.
 * It runs on the Node.js runtime (Next 16's default for proxy), in the app's process, so it shares
 * the app's database and Better Auth instance (lib/server/app keeps them on globalThis).
 */
/** Page sections that need more than the viewer role. */
const PAGE_RULES: [string, Role][] = [["/admin", "admin"]];

export async function proxy(request: NextRequest) {
  const host = request.headers.get("host");
  if (!hostAllowed(host)) {
    return NextResponse.json({ error: { code: "host_not_allowed", message: HOST_REFUSED_MESSAGE(host) } }, { status: 421 });
  }
  const { pathname, search } = request.nextUrl;
  const isApi = pathname.startsWith("/api/");
  const isPublic = pathname === "/login" || pathname.startsWith("/api/auth/");
  if (!isPublic) {
    const { auth } = await getApp();
    const who = await resolvePrincipal(auth, request.headers);
    if (!who) {
      if (isApi) return NextResponse.json({ error: { code: "unauthenticated", message: "Sign in, or send an API key as Authorization: Bearer <key>." } }, { status: 401 });
      const login = new URL("/login", request.url);
      login.searchParams.set("next", pathname + search);
      return NextResponse.redirect(login);
    }
    // Pages stream behind loading boundaries, so a page cannot set its own status once it
    // renders: sections a role may not see are refused here, with 403 and the forbidden page.
    const needed = PAGE_RULES.find(([prefix]) => pathname === prefix || pathname.startsWith(`${prefix}/`))?.[1];
    if (!isApi && needed && !roleAllows(who.role, needed)) {
      const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not allowed · Ledger</title></head><body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem"><h1>Not allowed</h1><p>This section needs the ${needed} role; you are signed in as ${who.role}. Ask an admin if you need it.</p><p><a href="/">Back to the dashboard</a></p></body></html>`;
      return withSecurityHeaders(new NextResponse(page, { status: 403, headers: { "content-type": "text/html; charset=utf-8" } }), null);
    }
  }
  if (isApi) return withSecurityHeaders(NextResponse.next(), null);
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const requestHeaders = new Headers(request.headers);
  const csp = contentSecurityPolicy(nonce);
  requestHeaders.set("content-security-policy", csp);
  requestHeaders.set("x-nonce", nonce);
  const known = isPublic ? null : await pageStatus(pathname, request.nextUrl.searchParams);
  if (known?.status === 400) {
    return withSecurityHeaders(new NextResponse(known.html, { status: 400, headers: { "content-type": "text/html; charset=utf-8" } }), null);
  }
  if (known?.status === 404) {
    // A path no route matches: Next renders app/not-found.tsx, in the layout, with status 404.
    requestHeaders.set(NOT_FOUND_KIND_HEADER, "customer");
    return withSecurityHeaders(NextResponse.rewrite(new URL("/_not-found-page", request.url), { request: { headers: requestHeaders } }), csp);
  }
  return withSecurityHeaders(NextResponse.next({ request: { headers: requestHeaders } }), csp);
}

function contentSecurityPolicy(nonce: string): string {
  const dev = process.env.NODE_ENV === "development";
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // React writes style attributes (widths of bars, positions): they need 'unsafe-inline'.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

function withSecurityHeaders(response: NextResponse, csp: string | null): NextResponse {
  if (csp) response.headers.set("content-security-policy", csp);
  response.headers.set("x-frame-options", "DENY");
  response.headers.set("x-content-type-options", "nosniff");
  response.headers.set("referrer-policy", "same-origin");
  return response;
}

export const config = {
  // Everything but Next's static files: those hold no data and must load on /login too.
  matcher: ["/((?!_next/static|_next/image|favicon.ico|icon.svg).*)"],
};
