/**
 * The layers of src/, top to bottom: a module may import from its own folder and from the layers below it, never
 * from a layer above it nor from a sibling on the same row. `npm test` runs this check (npm run check:layers);
 * the README's "Project layout" draws the same picture. A file that belongs to no row fails the check: put it in one.
 */
const LAYERS = [
  ['bin'], // entry points: opencode-bridge, codex-oss
  ['cli', 'self-test'], // codex-oss (talks to the bridge over HTTP and files); the bridge's offline self-test
  ['runtime'], // starts the bridge: config -> dependencies -> HTTP server
  ['server'], // HTTP only: routes, auth, Host/Origin, body limit, the SSE responder
  ['pipeline', 'dashboard'], // one request end to end: route, plan, attempts, report · the live dashboard
  ['modes'], // subagent task modes: decisions about a turn, as data
  ['guardrails'], // subagent guardrails: decisions about a turn, as data
  ['state', 'observability', 'observe'], // SQLite store and secrets; metrics; the run observer's event types
  ['translate'], // pure: Responses <-> Chat / Messages, stream events, tools, schemas, reasoning carrier
  ['upstream'], // wire clients and their types, SSE parsing, resilience primitives
  ['responses'], // the Responses API: request and item parsing, output events, SSE framing
  ['config'], // src/config.ts: environment -> typed config, once
  ['models'], // model catalog, per-family profiles, fallback chains
  ['base'], // src/*.ts besides config: errors, ids, logger, version and small shared constants
];

const ROOT_FILES = 'src/(?!config\\.ts)[^/]+\\.ts$';
const pathOf = (layer) =>
  layer === 'config' ? '^src/config\\.ts$' : layer === 'base' ? `^${ROOT_FILES}` : `^src/${layer}/`;

const LAYERED = `(${LAYERS.flat().map(pathOf).join('|')})`;

const upward = LAYERS.flatMap((row, index) =>
  row.map((layer) => ({
    name: `no-upward-from-${layer}`,
    comment: `${layer} may import only its own folder and the layers below it`,
    severity: 'error',
    from: { path: pathOf(layer), pathNot: '\\.test\\.ts$' },
    to: {
      path: `(${[...LAYERS.slice(0, index).flat(), ...row.filter((other) => other !== layer)]
        .map(pathOf)
        .join('|')})`,
      pathNot: '\\.test\\.ts$',
    },
  })),
).filter((rule) => rule.to.path !== '()');

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'no import cycle between files (nor, with the layer rules, between folders)',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-unlayered-file',
      comment: 'every source file sits in a layer (see LAYERS)',
      severity: 'error',
      from: { path: '^src/', pathNot: LAYERED },
      to: {},
    },
    {
      name: 'no-unlayered-orphan',
      comment: 'every source file sits in a layer, also one that imports nothing and that nothing imports',
      severity: 'error',
      from: { orphan: true, path: '^src/', pathNot: LAYERED },
      to: {},
    },
    {
      name: 'no-import-of-unlayered',
      comment: 'a file outside every layer cannot be imported: it would bypass the layer rules',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/', pathNot: LAYERED },
    },
    {
      name: 'cli-stays-outside-the-bridge',
      comment:
        'codex-oss talks to a running bridge over HTTP and reads files; it never loads the request path (it may ' +
        'share the catalog, config, state files and the Responses types)',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: {
        path: '^src/(runtime|server|pipeline|dashboard|observe|modes|guardrails|translate|upstream|observability|self-test)/',
      },
    },
    ...upward,
  ],
  options: {
    // TypeScript 7 has no compiler API for dependency-cruiser yet; swc parses the sources (type-only imports too).
    parser: 'swc',
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
