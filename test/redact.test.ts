// What redact takes out of a line before anyone reads it: URL passwords and the secrets registered in
// the run; and what it leaves, since a user needs it to find a refused login: users, hosts and ports.
import { strict as assert } from 'node:assert';
import { redact, registerSecret } from '../src/core/redact.js';

describe('redact', () => {
  it("keeps the 'user'@'host' pair of the server's access-denied message: it says whom the server refused", () => {
    const line = "Access denied for user 'app_rw'@'10.0.0.7' (using password: YES)";
    assert.equal(redact(line), line);
    assert.equal(redact(line, ['app_rw-pw']), line);
  });

  it('hides the password of a URL, and keeps its user, host and port', () => {
    assert.equal(
      redact('cannot reach mysql://admin:hunter22@10.1.2.3:3306/x'),
      'cannot reach mysql://admin:***@10.1.2.3:3306/x',
    );
    assert.equal(redact('at mariadb://:s3cret-x@db:3306/x'), 'at mariadb://:***@db:3306/x');
    assert.equal(redact('as mysql://root@db:3306/x'), 'as mysql://root@db:3306/x');
  });

  it('keeps the placeholder of the URL format a usage hint shows, and hides a password that merely resembles it', () => {
    const hint = 'not a URL; expected mysql://user:password@host:port/schema';
    assert.equal(redact(hint), hint);
    assert.equal(redact('mysql://user:password1@h/s and mysql://admin:password@h/s'), 'mysql://user:***@h/s and mysql://admin:***@h/s');
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
