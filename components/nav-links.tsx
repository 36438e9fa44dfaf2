"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/** The main navigation; the current section is marked (`aria-current`) and highlighted. */
export function NavLinks({ items }: { items: { href: string; label: string }[] }) {
  const pathname = usePathname();
  return (
    <ul className="flex flex-wrap gap-4 text-sm">
      {items.map((item) => {
        const current = item.href === "/" ? pathname === "/" : pathname === item.href || pathname.startsWith(`${item.href}/`);
        return (
          <li key={item.href}>
            <Link
              href={item.href}
              aria-current={current ? "page" : undefined}
              className={
                current
                  ? "font-medium text-zinc-900 underline decoration-blue-500 decoration-2 underline-offset-8 dark:text-zinc-100"
                  : "text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"
              }
            >
              {item.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
