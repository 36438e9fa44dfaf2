import { json } from "@/lib/http/errors";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** Who the caller is: `{ id, email, name, role }` (for a key: its id, its name, no email). */
export const GET = guardRoute("GET /api/me", async (_request, _context, who) =>
  json({ id: who.id, email: who.email, name: who.name, role: who.role, kind: who.kind }),
);
