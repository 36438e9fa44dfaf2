import { signInLimiter } from "@/lib/auth/sign-in-limit";
import { guardRoute } from "@/lib/server/route";
import { getApp } from "@/lib/server/app";

export const dynamic = "force-dynamic";

/** Better Auth's own endpoints (sign-in, sign-out, session). Public: this is how one signs in. */
export const GET = guardRoute("GET /api/auth/[...all]", async (request) => (await getApp()).auth.handler(request));

/** As GET, with sign-in attempts limited per account (429 with Retry-After past the limit). */
export const POST = guardRoute("POST /api/auth/[...all]", async (request) => {
  if (new URL(request.url).pathname.endsWith("/sign-in/email")) {
    const body = (await request.clone().json().catch(() => null)) as { email?: unknown } | null;
    const email = typeof body?.email === "string" ? body.email.trim().toLowerCase().slice(0, 320) : "";
    const wait = signInLimiter().hit(email);
    if (wait > 0) {
      return Response.json(
        { error: { code: "rate_limited", message: `Too many sign-in attempts for this account. Try again in ${wait} s.` } },
        { status: 429, headers: { "retry-after": String(wait) } },
      );
    }
  }
  return (await getApp()).auth.handler(request);
});
