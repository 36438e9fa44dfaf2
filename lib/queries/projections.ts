import { z } from "zod";
import { projections } from "@/lib/projections";
import { ProjectionNotFoundError, type ParkedEvent, type ProjectionStatus, type ResolvedParkedEvent } from "@/lib/projections/runtime";
import { verifyProjection, type VerifyOptions, type VerifyReport } from "@/lib/projections/verify";
import type { App } from "@/lib/server/app";

export type { ParkedEvent, ProjectionStatus, ResolvedParkedEvent, VerifyReport };

/** Every projector's position, lag and status (rebuild progress included while one runs). */
export function projectionStatus(app: Pick<App, "projections">): Promise<ProjectionStatus[]> {
  return app.projections.status();
}

/** The unresolved dead letters, oldest first (as GET /api/projections/parked). */
export function parkedEvents(app: Pick<App, "projections">): Promise<ParkedEvent[]> {
  return app.projections.parked();
}

/** The most recently retried or skipped dead letters, with who did it (as `?resolved=true`). */
export function resolvedParkedEvents(app: Pick<App, "projections">): Promise<ResolvedParkedEvent[]> {
  return app.projections.resolvedParked();
}

/**
 * Start a rebuild (it runs in the background). Throws ProjectionNotFoundError when no projection
 * has that name (HTTP 404 through errorResponse).
 */
export async function startRebuild(app: Pick<App, "projections">, name: string): Promise<void> {
  await app.projections.rebuild(name);
}

/** The drift check of one projection (lib/projections/verify.ts); unknown name: ProjectionNotFoundError (404). */
export async function checkDrift(app: Pick<App, "database" | "store">, name: string, options: VerifyOptions): Promise<VerifyReport> {
  const projection = projections.find((p) => p.name === name);
  if (!projection) throw new ProjectionNotFoundError(name);
  return verifyProjection(app.database.db, app.store.codec, projection, options);
}

/** `{ sample? }` of the verify and repair routes. */
export const driftParams = z
  .object({ sample: z.number({ error: "sample must be a whole number" }).int("sample must be a whole number").min(1, "sample must be at least 1").max(1_000_000, "sample must be at most 1000000").optional() })
  .strict();
