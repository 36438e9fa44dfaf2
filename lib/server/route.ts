import "server-only";
import { crossSiteRefusal } from "@/lib/auth/csrf";
import { resolvePrincipal } from "@/lib/auth/principal";
import { roleAllows, type Principal } from "@/lib/auth/roles";
import { ROUTE_RULES, type RouteName } from "@/lib/auth/rules";
import { handle } from "@/lib/http/command";
import { getApp } from "./app";

const refuse = (status: number, code: string, message: string) => Response.json({ error: { code, message } }, { status });

/**
 * Every route handler is wrapped in this: the one place where API access is enforced. `name` is
 * the route's entry in ROUTE_RULES ("POST /api/customers"), which says the least role it needs.
 * In order: who calls (401 when nobody), whether their role may (403, nothing written), and for
 * cookie-authenticated writes the cross-site rules (415 / 403 csrf). Only then the handler runs,
 * with the principal, whose actor is what events record; what it throws is mapped to a response
 * by `handle` (HttpError → its response, anything else → a logged 500 without internals).
 */
export function guardRoute<C>(
  name: RouteName,
  handler: (request: Request, context: C, who: Principal) => Promise<Response>,
): ((request: Request, context: C) => Promise<Response>) & { route: RouteName } {
  const rule = ROUTE_RULES[name];
  const guarded = async (request: Request, context: C): Promise<Response> => {
    if (rule === "public") return handle<C>((r, c) => handler(r, c, null as unknown as Principal))(request, context);
    const { auth } = await getApp();
    const who = await resolvePrincipal(auth, request.headers);
    if (!who) return refuse(401, "unauthenticated", "Sign in, or send an API key as Authorization: Bearer <key>.");
    if (!roleAllows(who.role, rule)) return refuse(403, "forbidden", `This needs the ${rule} role; you have ${who.role}.`);
    const crossSite = crossSiteRefusal(request.method, request.headers, who.viaCookie);
    if (crossSite) return refuse(crossSite.status, crossSite.code, crossSite.message);
    return handle<C>((r, c) => handler(r, c, who))(request, context);
  };
  return Object.assign(guarded, { route: name });
}
