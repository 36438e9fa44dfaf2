import Link from "next/link";
import { StatusBadge } from "@/components/customers/status-badge";
import { Button, buttonClass } from "@/components/ui/button";
import { CopyButton } from "./bits";
import { pluralize } from "./format";

/** Breadcrumb, the customer's name and status, and the page's actions (copy link, compare). */
export function TimelineHeader({
  customerId,
  streamId,
  name,
  status,
  total,
  comparing,
  onToggleCompare,
}: {
  customerId: string;
  streamId: string;
  name: string;
  status: "active" | "archived";
  total: number;
  comparing: boolean;
  onToggleCompare(): void;
}) {
  return (
    <>
      <nav aria-label="Breadcrumb" className="text-sm text-zinc-600 dark:text-zinc-400">
        <Link href="/customers" className="hover:underline">
          Customers
        </Link>{" "}
        /{" "}
        <Link href={`/customers/${customerId}`} className="hover:underline">
          {name}
        </Link>{" "}
        / <span aria-current="page">Timeline</span>
      </nav>

      <header className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 space-y-1">
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="break-words text-2xl font-semibold tracking-tight">{name}: timeline</h1>
            <StatusBadge status={status} />
          </div>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            {pluralize(total, "version")} · <span className="font-mono text-xs">{streamId}</span>
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <CopyButton text={() => window.location.href} label="Copy link" />
          <Button variant="secondary" size="sm" disabled={total < 2} aria-pressed={comparing} onClick={onToggleCompare}>
            Compare versions
          </Button>
          <Link href={`/customers/${customerId}`} className={buttonClass("secondary", "sm")}>
            Customer
          </Link>
        </div>
      </header>
    </>
  );
}
