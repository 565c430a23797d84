// How a manifest that breaks its JSON Schema reads to the user: the node each error points at, the
// value as written (a string, a number, empty, a list, a mapping), the type or range expected, and
// the field an unknown one most likely meant (a typo, another spelling, a shortening).
import { strict as assert } from 'node:assert';
import { validateAgainstSchema, type SchemaName } from '../src/core/manifest/schema.js';
import { YamlSource } from '../src/core/manifest/yaml.js';

const BASE = 'title: t\nticket: INV-1\ndestructive: false\napply: [m/x.sql]\n';

// [schema, file text, findings as [code, line, column, field, message]]
const CASES: Array<[SchemaName, string, Array<[string, number, number, string | undefined, string]>]> = [
  ['change', '', [['CG005', 1, 1, undefined, 'is empty; expected a mapping of fields']]],
  ['change', '- a\n', [['CG005', 1, 1, undefined, 'holds a list; expected a mapping of fields']]],
  ['change', 'hello\n', [['CG005', 1, 1, undefined, 'holds the string "hello"; expected a mapping of fields']]],
  ['change', BASE + 'dependsOn: []\n', [['CG011', 5, 1, 'dependsOn', 'unknown field; did you mean "depends_on"?']]],
  ['change', BASE + 'env: [qa]\n', [['CG011', 5, 1, 'env', 'unknown field; did you mean "environments"?']]],
  ['change', BASE + 'tickle: x\n', [['CG011', 5, 1, 'tickle', 'unknown field; did you mean "title"?']]],
  ['change', BASE + 'ownerxyz: x\n', [['CG011', 5, 1, 'ownerxyz', 'unknown field; expected one of title, ticket, tickets, owner, destructive, apply, verify, rollback, depends_on, environments, baseline, lint']]],
  ['change', BASE + 'ti: x\n', [['CG011', 5, 1, 'ti', 'unknown field; expected one of title, ticket, tickets, owner, destructive, apply, verify, rollback, depends_on, environments, baseline, lint']]],
  ['change', BASE + 'titlex: x\n', [['CG011', 5, 1, 'titlex', 'unknown field; did you mean "title"?']]],
  ['change', 'title: 5\nticket: INV-1\ndestructive: false\napply: [m/x.sql]\n', [['CG012', 1, 8, 'title', 'must be a string, not the number 5; put it in quotes']]],
  ['change', 'title: t\nticket: true\ndestructive: yes\napply: m/x.sql\n', [['CG012', 2, 9, 'ticket', 'must be a string, not true; put it in quotes'], ['CG012', 3, 14, 'destructive', 'must be true or false, not the string "yes"'], ['CG012', 4, 8, 'apply', 'must be a list, not the string "m/x.sql"']]],
  ['change', BASE + 'verify: [{name: x, sql: y, expect: [1]}]\n', [['CG012', 5, 36, 'verify[0].expect', 'must be a number or a string or true or false or null, not a list']]],
  ['change', BASE + 'lint: [a]\n', [['CG012', 5, 7, 'lint', 'must be a mapping, not a list']]],
  ['change', BASE + 'verify: [{name: x, sql: y, expect: {a: 1}}]\n', [['CG012', 5, 36, 'verify[0].expect', 'must be a number or a string or true or false or null, not a mapping']]],
  ['change', BASE + 'depends_on: [null]\n', [['CG012', 5, 14, 'depends_on[0]', 'must be a string, not empty']]],
  ['changegate', 'database: d\nenvironments:\n  qa: { url_env: X, lock_wait_timeout: "x" }\n', [['CG012', 3, 40, 'environments.qa.lock_wait_timeout', 'must be a whole number, not the string "x"']]],
  ['changegate', 'database: d\nenvironments:\n  qa: { url_env: X, lock_wait_timeout: 0 }\n', [['CG013', 3, 40, 'environments.qa.lock_wait_timeout', 'must be at least 1, not the number 0']]],
  ['changegate', 'database: d\nenvironments:\n  "q~a/b": { url_env: X, snapshot: sometimes }\n', [['CG013', 3, 3, 'environments.q~a/b', 'is not a valid name: environment names use letters, digits, _ and - (at most 64)'], ['CG013', 3, 36, 'environments.q~a/b.snapshot', 'must be one of never, destructive, always, not the string "sometimes"']]],
  ['changegate', 'database: d\nenvironments:\n  qa: { url_env: X, lock_wait_timeout: 100000000 }\n', [['CG013', 3, 40, 'environments.qa.lock_wait_timeout', 'must be at most 86400, not the number 100000000']]],
];

describe('manifest: schema errors as the user reads them', () => {
  for (const [schema, text, expected] of CASES) {
    it(`${schema}: ${JSON.stringify(text.replace(BASE, ''))}`, () => {
      const source = YamlSource.parse(schema === 'change' ? 'changes/c.yaml' : 'changegate.yaml', text);
      assert.deepEqual(validateAgainstSchema(schema, source).map((d) => [d.code, d.line, d.column, d.field, d.message]), expected);
    });
  }
});
