// Mocha's spec output plus the closing line CI reads: "N passed, N failed, N skipped". Skipped tests
// (`this.skip()`, `it.skip`, a test without a body) are counted so that a run cannot hide them.
// CommonJS because mocha loads reporters with require().
'use strict';
const Mocha = require('mocha');
const { EVENT_RUN_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;

class PassedFailed extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    runner.on(EVENT_TEST_PASS, () => { passed++; });
    runner.on(EVENT_TEST_FAIL, () => { failed++; });
    runner.on(EVENT_TEST_PENDING, () => { skipped++; });
    runner.once(EVENT_RUN_END, () => { process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`); });
  }
}
module.exports = PassedFailed;
