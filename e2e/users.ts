import path from "node:path";

export interface TestUser {
  email: string;
  name: string;
  password: string;
  role: "viewer" | "editor" | "admin";
}

/** The first admin, made by the app at start from LEDGER_ADMIN_EMAIL / LEDGER_ADMIN_PASSWORD. */
export const ADMIN: TestUser = {
  email: process.env.LEDGER_ADMIN_EMAIL ?? "e2e-admin@example.com",
  name: "Administrator",
  password: process.env.LEDGER_ADMIN_PASSWORD ?? "e2e admin password",
  role: "admin",
};
export const EDITOR: TestUser = { email: "ana.lee@example.com", name: "Ana Lee", password: "editor password 1", role: "editor" };
export const VIEWER: TestUser = { email: "vic.viewer@example.com", name: "Vic Viewer", password: "viewer password 1", role: "viewer" };

export const storageStateOf = (role: TestUser["role"]) => path.join("test-results", ".auth", `${role}.json`);
