// StrykerJS over the pure core (`npm run mutate`, outside `npm test`). Stryker mutates the TypeScript
// sources once, tsc compiles the mutated copy once (every mutant sits behind a runtime switch), and
// mocha runs only the tests that need no server, each mutant against the tests that cover it.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'mocha',
  mochaOptions: { config: '.mocharc.mutate.json' },
  buildCommand: 'tsc -p tsconfig.json',
  // Stryker rewrites a tsconfig's "extends" and "references" through the TypeScript 5 API, which the
  // native TypeScript 7 compiler does not offer; ours has neither, so point it at no file at all.
  tsconfigFile: 'no-tsconfig-rewrite.json',
  mutate: [
    'src/core/impact/**/*.ts',
    'src/core/lint/**/*.ts',
    'src/core/manifest/**/*.ts',
    '!src/core/manifest/schema-validators.generated.ts',
    'src/core/guards.ts',
    'src/core/plan.ts',
    'src/core/provisional.ts',
    'src/core/apply.ts',
    // The loop's failure record and its online steps, which were part of apply.ts.
    'src/core/apply-failure.ts',
    'src/core/online-step.ts',
    // A fleet's targets, pace, history view, plan groups and states.
    'src/core/fleet/**/*.ts',
  ],
  // Mutants need not type-check (tsc still emits them), but the generated validators must stay
  // byte-for-byte as generated: a test compares them with the schemas.
  disableTypeChecks: 'src/core/**/!(*.generated).ts',
  coverageAnalysis: 'perTest',
  // The machine that runs it is shared: two test processes at most.
  concurrency: 2,
  incremental: true,
  incrementalFile: 'reports/mutation/incremental.json',
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/report.json' },
  // The sandbox copy cannot hold the corpus's symbolic links (one points at its own parent); the
  // validate test recreates each of them from its expected.json before it runs.
  ignorePatterns: [
    'dist',
    'reports',
    '.changegate-tmp',
    '.cache',
    'test/fixtures/bad/sql-symlink-dir-escape/migrations/2026-11-03-create-customers',
    'test/fixtures/bad/sql-symlink-escape/migrations/2026-11-03-create-customers/up.sql',
  ],
  tempDirName: '.stryker-tmp',
};
