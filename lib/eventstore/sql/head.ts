import { sql } from "drizzle-orm";
import { query, type Db } from "@/db/client";

/** The highest position written so far (0 on an empty log). */
export async function headPosition(db: Db): Promise<number> {
  const [row] = await query<{ position: number | string | null }>(db, sql`select max(position) as position from events`);
  return Number(row?.position ?? 0);
}
