import { z } from "zod";
import { parseWith } from "./body";

/** The path of a parked event: a checkpoint name and an event position. Bad ones are 400s. */
export const parkedEventPath = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]{0,99}$/, "Not a projection name"),
    position: z.coerce.number().int("Not a position").positive("Not a position").max(Number.MAX_SAFE_INTEGER),
  })
  .strict();

export const parseParkedEventPath = (params: unknown) => parseWith(parkedEventPath, params);
