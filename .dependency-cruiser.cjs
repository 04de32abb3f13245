// The architecture, as rules: `npm run deps` fails on any import that breaks one.
// docs/architecture.md explains each part; `npm run deps:graph` redraws its graph.
const SRC = '^packages/server/src/';
// Infrastructure every domain may use; it never reaches into a domain.
const INFRA = ['db', 'http', 'scope', 'stripe', 'jobs'];
// Composition roots wire everything together and may import any part.
const ROOTS = ['cli'];
const NOT_A_DOMAIN = [...INFRA, ...ROOTS].join('|');
const DOMAIN = `${SRC}(?!(?:${NOT_A_DOMAIN})/)([^/]+)/`;

module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      comment: 'An import cycle leaves a binding undefined at load time and hides which part owns what.',
      severity: 'error',
      from: { path: '^packages/' },
      to: { circular: true },
    },
    {
      name: 'sandbox-stands-alone',
      comment: 'The Stripe sandbox is its own package: it emulates Stripe and knows nothing of Tributary.',
      severity: 'error',
      from: { path: '^packages/sandbox/' },
      to: { path: '^packages/(server|web)/' },
    },
    {
      name: 'sandbox-through-its-embedding',
      comment:
        'The server starts the embedded sandbox in one place (stripe/target.ts) and talks to it over HTTP.',
      severity: 'error',
      from: { path: SRC, pathNot: `${SRC}stripe/target\\.ts$` },
      to: { path: '^packages/sandbox/' },
    },
    {
      name: 'web-through-the-api',
      comment: 'The dashboard reaches the server through its HTTP API only.',
      severity: 'error',
      from: { path: '^packages/web/' },
      to: { path: '^packages/(server|sandbox)/' },
    },
    {
      name: 'infrastructure-knows-no-domain',
      comment:
        'db/, http/, scope/, stripe/ and jobs/ serve every domain; a domain hands them what they need.',
      severity: 'error',
      from: { path: `${SRC}(${INFRA.join('|')})/` },
      to: { path: DOMAIN },
    },
    {
      name: 'domain-through-its-service',
      comment:
        "A domain uses another domain only through that domain's service.ts, its front door (support/ is held tighter still by support-reads-only).",
      severity: 'error',
      from: { path: DOMAIN, pathNot: `${SRC}support/` },
      to: {
        path: DOMAIN,
        pathNot: [`${SRC}$1/`, `${DOMAIN}service\\.ts$`],
      },
    },
    {
      name: 'roots-take-assemblies',
      comment:
        'A composition root takes from a domain its service.ts, its routes, handlers and jobs modules, nothing deeper.',
      severity: 'error',
      from: { path: [`${SRC}[^/]+\\.ts$`, `${SRC}cli/`] },
      to: {
        path: DOMAIN,
        pathNot: '/(?:service|[a-z-]*routes|handlers|jobs)\\.ts$',
      },
    },
    {
      name: 'stripe-through-the-gateway',
      comment:
        'Only stripe/ talks to Stripe: keys, accounts, failure classes and the outage policy live there.',
      severity: 'error',
      from: { path: SRC, pathNot: `${SRC}stripe/` },
      to: { path: '(^|/)node_modules/stripe/|^stripe$' },
    },
    {
      name: 'support-reads-only',
      comment:
        'support/ (read-only support queries, issue 23) reaches Stripe only through the GET-only gateway, reads in READ ONLY transactions (db/read-only.ts), and takes from another domain nothing but its one named sync entry for a refresh (payments/refresh.ts, subscriptions/refresh.ts), not even its front door; only its audit.ts opens a writable transaction.',
      severity: 'error',
      from: { path: `${SRC}support/`, pathNot: `${SRC}support/audit\\.ts$` },
      to: {
        path: SRC,
        pathNot: [
          `${SRC}support/`,
          `${SRC}stripe/read-only\\.ts$`,
          `${SRC}db/(client|read-only|system-reasons)\\.ts$`,
          `${SRC}db/schema/`,
          `${SRC}http/(errors|ids|routing|schemas)\\.ts$`,
          `${SRC}scope/(actor|scopes)\\.ts$`,
          `${SRC}(config|context|currency|logger)\\.ts$`,
          `${SRC}(payments|subscriptions)/refresh\\.ts$`,
        ],
      },
    },
    {
      name: 'support-audit-writes-the-audit-only',
      comment:
        "support/audit.ts writes the lookup's audit row in a transaction of its own, and nothing else.",
      severity: 'error',
      from: { path: `${SRC}support/audit\\.ts$` },
      to: {
        path: SRC,
        pathNot: [
          `${SRC}support/`,
          `${SRC}db/(client|tenant|system-reasons)\\.ts$`,
          `${SRC}scope/(actor|audit)\\.ts$`,
          `${SRC}context\\.ts$`,
        ],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|\\.data)/' },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    reporterOptions: {
      mermaid: { minify: false },
    },
  },
};
