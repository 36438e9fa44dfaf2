import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

export const metadata = { title: "Not found" };

export default function NotFound() {
  return (
    <div className="mx-auto max-w-lg space-y-4 py-12 text-center">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="text-zinc-600 dark:text-zinc-400">There is nothing at this address. The customer may never have existed, or the link is mistyped.</p>
      <div className="flex flex-wrap justify-center gap-2">
        <Link href="/customers" className={buttonClass("primary")}>
          Go to customers
        </Link>
        <Link href="/" className={buttonClass("secondary")}>
          Dashboard
        </Link>
      </div>
    </div>
  );
}
