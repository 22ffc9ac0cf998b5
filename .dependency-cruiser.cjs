/**
 * Layering rules (issue 11), checked by `npm run lint:deps` before the tests run and proven by
 * test/unit/layering.test.ts against a fixture tree that breaks each one. Paths match with or
 * without a leading folder so the same rules apply to that fixture tree.
 */
const DOMAIN = '(^|/)src/(accounts|images|variants|signing|webhooks|render|ai|purge|cache|media|delivery|storage|net|util|binding)/';

/** @type {import('dependency-cruiser').IForbiddenRuleType[]} */
const forbidden = [
  {
    name: 'domain-not-http',
    comment: 'Domain and engine code never imports the HTTP edge or Fastify.',
    severity: 'error',
    from: { path: DOMAIN },
    to: { path: ['(^|/)src/http/', '(^|/)node_modules/fastify/', '(^|/)node_modules/@fastify/'] },
  },
  {
    name: 'route-modules-apart',
    comment: 'Route modules under src/http (api, delivery, dashboard, transform, purge…) never import each other.',
    severity: 'error',
    from: { path: 'src/http/([^/]+)/' },
    to: { path: 'src/http/[^/]+/', pathNot: 'src/http/$1/' },
  },
  {
    name: 'no-circular',
    comment: 'No import cycles (type-only imports, erased at build, aside).',
    severity: 'error',
    from: {},
    to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
  },
  {
    name: 'storage-from-composition-root',
    comment: 'Storage implementations are wired by the composition root (and CLI admin commands); the rest sees repository interfaces.',
    severity: 'error',
    from: { path: '(^|/)src/', pathNot: ['(^|/)src/storage/', '(^|/)src/services\\.ts$', '(^|/)src/cli/', '(^|/)src/main\\.ts$'] },
    to: { path: '(^|/)src/storage/.*(repository|blob-store|copy-installation)\\.ts$', pathNot: '(^|/)src/storage/blobs/blob-store\\.ts$' },
  },
];

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['es6', 'cjs'],
  },
};
