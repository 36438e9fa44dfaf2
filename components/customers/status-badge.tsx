import { Badge } from "@/components/ui/badge";

export function StatusBadge({ status }: { status: "active" | "archived" }) {
  return <Badge tone={status === "active" ? "green" : "zinc"}>{status === "active" ? "Active" : "Archived"}</Badge>;
}
