import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

export default function TimelineNotFound() {
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Customer not found</h1>
      <p className="text-zinc-600 dark:text-zinc-400">There is no customer with this id, so there is no timeline to show.</p>
      <Link href="/customers" className={buttonClass("secondary")}>
        Back to customers
      </Link>
    </div>
  );
}
