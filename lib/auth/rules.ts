import type { Role } from "./roles";

/**
 * Every API route and server action, with the least role that may call it. This table is the one
 * place access is declared: `guardRoute` and `authorizeAction` refuse a name that is not here, and
 * a test walks app/api and every 'use server' file so that nothing can be added without a rule.
 * `public` means no sign-in (only sign-in itself); `signed-in` means any role.
 */
export type Rule = Role | "public";

export const ROUTE_RULES = {
  "GET /api/auth/[...all]": "public",
  "POST /api/auth/[...all]": "public",
  "GET /api/me": "viewer",
  "GET /api/customers": "viewer",
  "GET /api/customers/export": "viewer",
  "GET /api/customers/names": "viewer",
  "POST /api/customers": "editor",
  "GET /api/customers/[id]": "viewer",
  "POST /api/customers/[id]/rename": "editor",
  "POST /api/customers/[id]/address": "editor",
  "POST /api/customers/[id]/archive": "editor",
  "POST /api/customers/[id]/contact": "editor",
  "POST /api/customers/[id]/erase": "admin",
  "GET /api/events": "viewer",
  "GET /api/events/browse": "viewer",
  "GET /api/live": "viewer",
  "GET /api/projections": "viewer",
  "POST /api/projections/[name]/rebuild": "admin",
  // The drift check holds the projection's lease while it recomputes (the projector waits): admin.
  "POST /api/projections/[name]/verify": "admin",
  "POST /api/projections/[name]/repair": "admin",
  "GET /api/projections/parked": "viewer",
  "GET /api/metrics": "admin",
  "POST /api/projections/[name]/parked/[position]/retry": "admin",
  "POST /api/projections/[name]/parked/[position]/skip": "admin",
  "GET /api/stats/cities": "viewer",
  "GET /api/streams/[streamId]/events": "viewer",
  "GET /api/streams/[streamId]/state": "viewer",
  "GET /api/streams/[streamId]/compare": "viewer",
  "GET /api/streams/[streamId]/history": "viewer",
  // Decides only (nothing is appended), but it is a command preview: the editors' tool.
  "POST /api/streams/[streamId]/what-if": "editor",
  "GET /api/admin/users": "admin",
  "POST /api/admin/users": "admin",
  "PATCH /api/admin/users/[id]": "admin",
  "GET /api/admin/api-keys": "admin",
  "POST /api/admin/api-keys": "admin",
  "DELETE /api/admin/api-keys/[id]": "admin",
} as const satisfies Record<string, Rule>;

export type RouteName = keyof typeof ROUTE_RULES;

export const ACTION_RULES = {
  registerCustomerAction: "editor",
  editCustomerAction: "editor",
  archiveCustomerAction: "editor",
  changeContactAction: "editor",
  eraseCustomerAction: "admin",
  createUserAction: "admin",
  updateUserAction: "admin",
  createApiKeyAction: "admin",
  revokeApiKeyAction: "admin",
} as const satisfies Record<string, Role>;

export type ActionName = keyof typeof ACTION_RULES;
