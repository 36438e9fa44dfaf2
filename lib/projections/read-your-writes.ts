import { DEFAULT_WAIT_MS, type ProjectionRuntime } from "./runtime";

/**
 * Read-your-writes for pages, actions and route handlers: after a command, wait (bounded) until
 * the projections a page reads have applied the command's events, then render or redirect.
 *
 * ```ts
 * const result = await renameCustomer(id, input, ctx);
 * if (result.ok) await readYourWrites(app.projections, result, { projections: ["customer_list"] });
 * ```
 *
 * Accepts a position, or a command result (`{ ok, position }`); nothing to wait for (a failed or
 * unchanged command: position null) resolves true at once. Resolves false if the projections did
 * not get there within `timeoutMs` (default 3 s): the caller renders anyway, possibly stale,
 * rather than hang.
 */
export async function readYourWrites(
  runtime: Pick<ProjectionRuntime, "waitFor">,
  positionOrResult: number | null | undefined | { ok: boolean; position?: number | null },
  options: { timeoutMs?: number; projections?: readonly string[] } = {},
): Promise<boolean> {
  const position =
    typeof positionOrResult === "object" && positionOrResult !== null
      ? positionOrResult.ok
        ? positionOrResult.position
        : null
      : positionOrResult;
  return runtime.waitFor(position, options.timeoutMs ?? DEFAULT_WAIT_MS, { projections: options.projections });
}
