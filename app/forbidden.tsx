import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

export const metadata = { title: "Not allowed" };

/** A page the signed-in role may not see (403). */
export default function Forbidden() {
  return (
    <div className="mx-auto max-w-lg space-y-4 py-12 text-center">
      <h1 className="text-2xl font-semibold">Not allowed</h1>
      <p className="text-zinc-600 dark:text-zinc-400">Your role does not give access to this page. Ask an admin if you need it.</p>
      <Link href="/" className={buttonClass("primary")}>
        Dashboard
      </Link>
    </div>
  );
}
