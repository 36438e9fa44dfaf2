import Link from "next/link";
import { Card } from "@/components/ui/card";

/** A number on a card (… while it loads), optionally a link to the list behind it. */
export function Stat({ label, value, href }: { label: string; value: number | null; href?: string }) {
  const body = (
    <>
      <span className="block text-sm text-zinc-600 dark:text-zinc-400">{label}</span>
      <span className="mt-1 block text-2xl font-semibold tabular-nums">{value ?? "…"}</span>
    </>
  );
  return (
    <Card className="p-4">
      {href ? (
        <Link href={href} className="block rounded hover:opacity-80">
          {body}
        </Link>
      ) : (
        body
      )}
    </Card>
  );
}
