import { ProjectionNotFoundError, type ProjectionStatus } from "@/lib/projections/runtime";
import type { App } from "@/lib/server/app";

export type { ProjectionStatus };

/** Every projector's position, lag and status (rebuild progress included while one runs). */
export function projectionStatus(app: Pick<App, "projections">): Promise<ProjectionStatus[]> {
  return app.projections.status();
}

/** Start a rebuild (it runs in the background); false when no projection has that name. */
export async function startRebuild(app: Pick<App, "projections">, name: string): Promise<boolean> {
  try {
    await app.projections.rebuild(name);
    return true;
  } catch (error) {
    // instanceof matches another bundle's copy of the class too (ProjectionNotFoundError[Symbol.hasInstance]).
    if (error instanceof ProjectionNotFoundError) return false;
    throw error;
  }
}
