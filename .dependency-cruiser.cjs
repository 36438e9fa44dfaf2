/**
 * Layer rules, checked in CI by `npm run lint:layers` (scripts/check-layers.mjs).
 *
 *   app → components → lib → db          arrows point down only
 *   lib/domain                           imports nothing of the project (zod and itself)
 *   lib/testing, *.test.ts, e2e          only tests (and the bench) may import them
 *   no import loops anywhere
 *
 * A rule's name is what a failing run prints, so each name says what went wrong.
 */
const PROJECT = "^(app|components|lib|db|scripts|bench|services|e2e)/";
const TESTS = "(\\.test\\.tsx?$|^e2e/|^lib/testing/|^bench/)";

module.exports = {
  forbidden: [
    {
      name: "no-import-loops",
      severity: "error",
      comment: "Import loops make modules half-initialised depending on who loads first. Move the shared part down.",
      from: {},
      to: { circular: true },
    },
    {
      name: "db-imports-nothing-above-it",
      severity: "error",
      comment: "db/ is the bottom layer (schema, client, migrations): it may not import lib/, components/ or app/.",
      from: { path: "^db/" },
      to: { path: "^(lib|components|app)/" },
    },
    {
      name: "lib-imports-no-ui",
      severity: "error",
      comment: "lib/ is below the UI: it may not import components/ or app/.",
      from: { path: "^lib/" },
      to: { path: "^(components|app)/" },
    },
    {
      name: "components-import-no-app",
      severity: "error",
      comment: "components/ is below app/: move what both need into components/ or lib/.",
      from: { path: "^components/" },
      to: { path: "^app/" },
    },
    {
      name: "services-use-the-library-not-the-app",
      severity: "error",
      comment:
        "services/ are separate processes: they may use lib/eventstore, lib/broker, lib/publisher, lib/projections (the runner) and db/, never app/, components/, lib/server, lib/commands or the customer domain (they know the ledger only by its published events).",
      from: { path: "^services/", pathNot: "\\.test\\.ts$" },
      to: { path: "^(app|components)/|^lib/(server|commands|domain|auth|queries|http|forms|timeline)/" },
    },
    {
      name: "service-domains-are-pure",
      severity: "error",
      comment: "A service's aggregate (order.ts, payment.ts) is pure: zod only.",
      from: { path: "^services/[^/]+/(order|payment)\\.ts$" },
      to: { path: PROJECT },
    },
    {
      name: "services-do-not-import-each-other",
      severity: "error",
      comment: "orders and payments talk through the broker only; what both need lives in services/shared or lib/.",
      from: { path: "^services/orders/", pathNot: "\\.test\\.ts$" },
      to: { path: "^services/payments/" },
    },
    {
      name: "payments-does-not-import-orders",
      severity: "error",
      comment: "orders and payments talk through the broker only; what both need lives in services/shared or lib/.",
      from: { path: "^services/payments/", pathNot: "\\.test\\.ts$" },
      to: { path: "^services/orders/" },
    },
    {
      name: "the-ledger-does-not-import-services",
      severity: "error",
      comment: "The ledger (app, components, lib) knows nothing of the services that hear it.",
      from: { path: "^(app|components|lib|db)/" },
      to: { path: "^services/" },
    },
    {
      name: "domain-is-pure",
      severity: "error",
      comment: "lib/domain is pure: it imports nothing of the project outside lib/domain (zod is fine).",
      from: { path: "^lib/domain/", pathNot: "\\.test\\.ts$" },
      to: { path: PROJECT, pathNot: "^lib/domain/" },
    },
    {
      name: "test-helpers-only-in-tests",
      severity: "error",
      comment: "lib/testing, test files and e2e helpers are for tests (and the bench) only.",
      from: { pathNot: TESTS },
      to: { path: TESTS },
    },
    {
      name: "no-unresolvable-imports",
      severity: "error",
      comment: "An import that cannot be resolved would make every other rule pass silently.",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|\\.next|\\.data)/" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
  },
};
