import Link from "next/link";
import { buttonClass } from "@/components/ui/button";

/**
 * Previous / Next for cursor paging: no page count; both stay in place and are disabled at the
 * ends. Links (not buttons) so that a page is a URL and Back returns to it.
 */
export function Pager({
  label,
  prevHref,
  nextHref,
  prevText = "Previous",
  nextText = "Next",
}: {
  label: string;
  prevHref: string | null;
  nextHref: string | null;
  prevText?: string;
  nextText?: string;
}) {
  const item = (href: string | null, text: string, rel: "prev" | "next") =>
    href ? (
      <Link href={href} rel={rel} scroll={false} className={buttonClass("secondary", "sm")}>
        {text}
      </Link>
    ) : (
      <button type="button" disabled className={buttonClass("secondary", "sm")}>
        {text}
      </button>
    );
  return (
    <nav aria-label={label} className="flex items-center justify-end gap-2">
      {item(prevHref, prevText, "prev")}
      {item(nextHref, nextText, "next")}
    </nav>
  );
}
