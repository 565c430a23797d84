// Pure parts of the MySQL adapter: version strings, URLs, lock names, SQL normalization. No server.
import assert from 'node:assert/strict';
import { UsageError } from '../src/core/errors.js';
import { redact } from '../src/core/redact.js';
import { parseTargetUrl } from '../src/adapters/mysql/connect.js';
import { normalizeSql } from '../src/adapters/mysql/introspect.js';
import { lockName } from '../src/adapters/mysql/lock.js';
import { compareVersions, describeVersion, parseServerVersion } from '../src/adapters/mysql/version.js';

describe('mysql adapter: server versions', () => {
  const cases: [string, string | null, string, string][] = [
    ['8.0.36', null, 'MySQL 8.0.36', '8.0.36'],
    ['8.0.36-log', null, 'MySQL 8.0.36', '8.0.36'],
    ['8.0.36-0ubuntu0.22.04.1', null, 'MySQL 8.0.36', '8.0.36'],
    ['5.7.44', null, 'MySQL 5.7.44', '5.7.44'],
    // Oracle MySQL as Debian packages it, as Oracle's enterprise build and 8.4 LTS name themselves.
    ['9.7.4-2', null, 'MySQL 9.7.4', '9.7.4'],
    ['8.4.3-commercial', null, 'MySQL 8.4.3', '8.4.3'],
    ['8.4.0-debug', null, 'MySQL 8.4.0', '8.4.0'],
    ['8.0.40-google', null, 'MySQL 8.0.40', '8.0.40'],
    ['10.11.6-MariaDB-0+deb12u1', null, 'MariaDB 10.11.6', '10.11.6'],
    ['5.5.5-10.11.6-MariaDB', null, 'MariaDB 10.11.6', '10.11.6'],
    ['8.0.mysql_aurora.3.05.2', null, 'Aurora MySQL 3.05.2 (MySQL 8.0)', '8.0'],
    ['5.7.mysql_aurora.2.11.2', null, 'Aurora MySQL 2.11.2 (MySQL 5.7)', '5.7'],
    ['8.0.28', '3.05.2', 'Aurora MySQL 3.05.2 (MySQL 8.0.28)', '8.0.28'],
    ['5.7.12', '2.11.2', 'Aurora MySQL 2.11.2 (MySQL 5.7.12)', '5.7.12'],
  ];
  for (const [raw, aurora, display, version] of cases) {
    it(`parses ${raw}${aurora ? ` with aurora_version ${aurora}` : ''}`, () => {
      const v = parseServerVersion(raw, aurora);
      assert.equal(describeVersion(v), display);
      assert.equal(v.version, version);
      assert.equal(v.raw, raw);
    });
  }

  it('refuses to guess at a string that is not a version', () => {
    assert.throws(() => parseServerVersion('banana'), { message: 'cannot parse the server version "banana"' });
  });

  it('compares dotted versions numerically, missing parts as zero', () => {
    assert.equal(compareVersions('8.0.36', '8.0'), 1);
    assert.equal(compareVersions('8.0', '8.0.0'), 0);
    assert.equal(compareVersions('5.7.44', '8.0'), -1);
    assert.equal(compareVersions('10.11.6', '10.5'), 1);
    assert.equal(compareVersions('10.11', '10.9'), 1); // not a string comparison
    assert.equal(compareVersions('8.0.9', '8.0.10'), -1);
    assert.equal(compareVersions('10.11.6', '8.0'), 1); // MariaDB 10 compares as 10, by design
  });
});

describe('mysql adapter: connection URLs', () => {
  it('reads user, password, host, port, schema; TLS off unless asked', () => {
    assert.deepEqual(parseTargetUrl('mysql://app:s%40cret@db.local:3307/invoicing'), {
      host: 'db.local',
      port: 3307,
      user: 'app',
      password: 's@cret',
      schema: 'invoicing',
      tls: { mode: 'off' },
    });
  });

  it('accepts mariadb:// and defaults the port', () => {
    const s = parseTargetUrl('mariadb://root@127.0.0.1/shop');
    assert.equal(s.port, 3306);
    assert.equal(s.password, '');
  });

  it('turns ssl=true|required|verify into verified TLS, with an optional CA file', () => {
    for (const v of ['true', 'required', 'verify', 'VERIFY_IDENTITY']) {
      assert.deepEqual(parseTargetUrl(`mysql://u:p@h/s?ssl=${v}`).tls, { mode: 'verify' });
    }
    assert.deepEqual(parseTargetUrl('mysql://u:p@h/s?ssl=true&ssl-ca=/etc/ca.pem').tls, { mode: 'verify', caFile: '/etc/ca.pem' });
    assert.deepEqual(parseTargetUrl('mysql://u:p@h/s?ssl=false').tls, { mode: 'off' });
  });

  it('takes a socket path', () => {
    assert.equal(parseTargetUrl('mysql://root@localhost/s?socket=/run/mysqld/mysqld.sock').socketPath, '/run/mysqld/mysqld.sock');
  });

  const bad: [string, string][] = [
    ['not a url', 'the connection URL of local is not a URL; expected mysql://user:password@host:port/schema'],
    ['postgres://u:hunter22@h/s', 'the connection URL of local must start with mysql:// or mariadb://, not postgres://'],
    ['mysql://u:hunter22@h/', 'the connection URL of local names no schema; expected mysql://user:password@host:port/schema'],
    ['mysql://u:hunter22@h/s?ssl=maybe', 'the connection URL of local has ssl=maybe; use ssl=true (verified) or leave it out'],
    ['mysql://u:hunter22@h/s?sslmode=on', 'the connection URL of local has an unknown parameter sslmode; known: ssl, ssl-ca, socket'],
    ['mysql://u:hunter22@h/s?ssl-ca=/x.pem', 'the connection URL of local has ssl-ca without ssl=true'],
  ];
  for (const [url, message] of bad) {
    it(`rejects ${url.replace('hunter22', '***')} without quoting it`, () => {
      assert.throws(() => parseTargetUrl(url, 'local'), (e: unknown) => {
        assert.ok(e instanceof UsageError);
        assert.equal(e.message, message);
        assert.ok(!e.message.includes('hunter22'));
        return true;
      });
    });
  }

  it('registers the password for redaction as soon as the URL is read', () => {
    parseTargetUrl('mysql://app:Zq9-registered-pw@h/s');
    assert.equal(redact('oops Zq9-registered-pw'), 'oops ***');
  });
});

describe('mysql adapter: lock names and SQL normalization', () => {
  it('names the lock after the schema, hashing names over 64 characters', () => {
    assert.equal(lockName('invoicing'), 'changegate:invoicing');
    const long = lockName('t'.repeat(60));
    assert.equal(long.length, 64);
    assert.match(long, /^changegate:[0-9a-f]{53}$/);
    assert.notEqual(lockName('t'.repeat(60)), lockName('t'.repeat(61)));
  });

  it('strips the schema qualifier, quoted or bare, and collapses whitespace', () => {
    assert.equal(
      normalizeSql('select `inv`.`t`.`a` AS `a`\r\n  from `inv`.`t` join inv.u on inv.u.id = x.inv', 'inv'),
      'select `t`.`a` AS `a` from `t` join u on u.id = x.inv',
    );
  });
});
