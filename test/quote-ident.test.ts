// Identifier quoting is written once (core/sql/quote.ts) and the SQL built with it runs against
// PROD: the impact step reads table facts and counts duplicates with it. A name that holds a backtick must stay one name.
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { connectTarget, parseTargetUrl, type Target } from '../src/adapters/mysql/connect.js';
import { readTableFacts, serverFacts } from '../src/adapters/mysql/facts.js';
import { runPreChecks } from '../src/adapters/mysql/prechecks.js';
import { preChecks } from '../src/core/impact/checks.js';
import { parseDdl } from '../src/core/impact/ddl.js';
import { quoteIdent } from '../src/core/sql/quote.js';
import { getServer } from './helpers/mysql-server.js';

describe('quoteIdent', function () {
  this.timeout(120_000);

  it('backtick-quotes a name and doubles the backticks inside it', () => {
    assert.deepEqual(['users', 'a`b', '`', 'x``y', ''].map(quoteIdent), ['`users`', '`a``b`', '````', '`x````y`', '``']);
  });

  it('keeps a name with a backtick one name in the SQL the impact step runs on the server (table facts, then the duplicate pre-check)', async () => {
    const server = await getServer();
    const schema = await server.freshSchema('quote');
    const table = 'odd`table';
    const admin = await mysql.createConnection(schema.url);
    let target: Target | undefined;
    try {
      await admin.query('CREATE TABLE `odd``table` (id INT NOT NULL PRIMARY KEY, `e``mail` VARCHAR(20) NULL)');
      await admin.query("INSERT INTO `odd``table` VALUES (1, 'a'), (2, 'a'), (3, 'b'), (4, NULL), (5, NULL)");
      target = await connectTarget(parseTargetUrl(schema.url), { minVersion: '5.0', lockWaitTimeout: 3, label: 'local' });
      const reader = await target.reader();
      try {
        const sf = serverFacts(target.server.version);
        const facts = await readTableFacts(reader, sf, [{ schema: schema.name, name: table }]);
        const spec = parseDdl('ALTER TABLE `odd``table` ADD UNIQUE INDEX uq (`e``mail`)')!;
        const results = await runPreChecks(reader, sf, preChecks({ spec, statement: 1, schema: schema.name, facts }));
        assert.deepEqual(results.map((r) => [r.code, r.outcome, r.count]), [['CG501', 'fail', 1]], JSON.stringify(results));
        assert.match(results[0]!.message, /^\S+\.odd`table: 1 value of \(e`mail\) occurs more than once/);
      } finally {
        await reader.close();
      }
    } finally {
      await target?.close();
      await admin.end();
      await schema.drop();
    }
  });
});
