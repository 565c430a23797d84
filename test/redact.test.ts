// What redact takes out of a line before anyone reads it: URL credentials, MySQL's 'user'@'host'
// pairs and the secrets registered in the run.
import { strict as assert } from 'node:assert';
import { redact, registerSecret } from '../src/core/redact.js';

describe('redact', () => {
  it("hides a 'user'@'host' pair, as the server's access-denied message names it", () => {
    assert.equal(
      redact("Access denied for user 'app_rw'@'10.0.0.7' (using password: YES)"),
      "Access denied for user '***'@'***' (using password: YES)",
    );
    assert.equal(
      redact("DROP USER failed for 'report'@'%' and 'etl'@'batch.internal'"),
      "DROP USER failed for '***'@'***' and '***'@'***'",
    );
  });

  it('hides the user and password of a URL, and keeps its host', () => {
    assert.equal(
      redact('cannot reach mysql://admin:hunter22@10.1.2.3:3306/x'),
      'cannot reach mysql://***@10.1.2.3:3306/x',
    );
  });

  it('hides registered secrets and the extra ones of one call, the longest first', () => {
    registerSecret('Rd-4f9a-secret');
    registerSecret('Rd-4f9a-secret-and-more');
    assert.equal(redact('token Rd-4f9a-secret-and-more, then Rd-4f9a-secret'), 'token ***, then ***');
    assert.equal(redact('user cg_once logged in', ['cg_once']), 'user *** logged in');
    // Too short to be told from ordinary words.
    assert.equal(redact('id ab', ['ab']), 'id ab');
  });

  it('leaves a line without credentials as it is', () => {
    const line = "2026-11-01-create-invoices: 1/2 CREATE TABLE invoices (...) 12 ms; user@example.com wrote 'x'";
    assert.equal(redact(line), line);
  });
});
