// The guards that run before any AWS call or connection: which names point at a protected cluster,
// the refusal a user reads, and the approval gate inside and outside GitHub Actions.
import { strict as assert } from 'node:assert';
import { RefusedError } from '../src/core/errors.js';
import { approvalGate, hostLabel, protectedMatch, refuseProtected } from '../src/core/guards.js';
import type { Config, EnvironmentConfig } from '../src/core/types.js';

const config = { file: 'changegate.yaml', protected_clusters: ['prodinvoicingco', 'LegacyBilling'] } as Config;
const env = (name: string, over: Partial<EnvironmentConfig> = {}) => ({ name, ...over }) as EnvironmentConfig;

describe('guards: hostLabel', () => {
  it('is the first DNS label, lower-cased', () => {
    assert.equal(hostLabel('ProdInvoicingCo.cluster-c9xyz.us-east-2.rds.amazonaws.com'), 'prodinvoicingco');
    assert.equal(hostLabel('localhost'), 'localhost');
    assert.equal(hostLabel(''), '');
  });
});

describe('guards: protectedMatch', () => {
  const cases: [string | undefined | null, string | undefined][] = [
    // A cluster or instance id.
    ['prodinvoicingco', 'prodinvoicingco'],
    ['PRODINVOICINGCO', 'prodinvoicingco'],
    // A host: its first label is the cluster id.
    ['prodinvoicingco.cluster-c9xyz.us-east-2.rds.amazonaws.com', 'prodinvoicingco'],
    ['prodinvoicingco.cluster-ro-c9xyz.us-east-2.rds.amazonaws.com', 'prodinvoicingco'],
    // A secret id that ends with the cluster id, after a dash or a slash.
    ['rds-admin-credentials-prodinvoicingco', 'prodinvoicingco'],
    ['rds/prodinvoicingco', 'prodinvoicingco'],
    ['prod/mysql/ProdInvoicingCo', 'prodinvoicingco'],
    // The configured name is compared case-insensitively too.
    ['legacybilling', 'LegacyBilling'],
    ['secrets/legacybilling', 'LegacyBilling'],
    // Names that only contain it, or extend it, are other clusters.
    ['prodinvoicingco2', undefined],
    ['myprodinvoicingco', undefined],
    ['prodinvoicingco-replica', undefined],
    ['rds/prodinvoicingco/reader', undefined],
    ['qainvoicingdb.cluster-c9xyz.us-east-2.rds.amazonaws.com', undefined],
    ['', undefined],
    [undefined, undefined],
    [null, undefined],
  ];
  for (const [name, expected] of cases) {
    it(`${JSON.stringify(name)} -> ${expected ?? 'no match'}`, () => {
      assert.equal(protectedMatch(config, name), expected);
    });
  }

  it('matches nothing when no cluster is protected', () => {
    assert.equal(protectedMatch({ ...config, protected_clusters: [] }, 'prodinvoicingco'), undefined);
  });
});

describe('guards: refuseProtected', () => {
  it('refuses a protected name with the message the user reads, naming what pointed at it', () => {
    assert.throws(
      () => refuseProtected(config, env('corp'), 'rds/prodinvoicingco', 'uses secret'),
      (e: unknown) => {
        assert.ok(e instanceof RefusedError);
        assert.equal(
          e.message,
          'refused: environment corp uses secret rds/prodinvoicingco, which is the protected cluster prodinvoicingco (protected_clusters in changegate.yaml); nothing was contacted',
        );
        assert.equal(e.exitCode, 1);
        return true;
      },
    );
  });

  it('lets other names and a missing name through', () => {
    refuseProtected(config, env('qa'), 'qainvoicingdb', 'targets cluster');
    refuseProtected(config, env('qa'), undefined, 'targets instance');
  });
});

describe('guards: approvalGate', () => {
  const required = env('prod', { approval: 'required' });
  const none = env('qa', { approval: 'none' });

  it('without approval: required, returns who approved, if anyone said', () => {
    assert.equal(approvalGate(none, { inActions: false, deploymentEnvironment: undefined, approvedBy: undefined }), null);
    assert.equal(approvalGate(none, { inActions: true, deploymentEnvironment: undefined, approvedBy: 'dana' }), 'dana');
  });

  it('inside Actions, requires the job to run in the GitHub environment of that name', () => {
    assert.equal(approvalGate(required, { inActions: true, deploymentEnvironment: 'prod', approvedBy: undefined }), null);
    assert.equal(approvalGate(required, { inActions: true, deploymentEnvironment: 'prod', approvedBy: 'dana' }), 'dana');
    assert.throws(() => approvalGate(required, { inActions: true, deploymentEnvironment: 'qa', approvedBy: 'dana' }), {
      name: 'RefusedError',
      message:
        'refused: prod requires approval: run it in a GitHub Actions job with "environment: prod" (its required reviewers approve the deployment) ' +
        'and CHANGEGATE_ENVIRONMENT=prod; this job runs in environment qa',
    });
    assert.throws(() => approvalGate(required, { inActions: true, deploymentEnvironment: undefined, approvedBy: undefined }), {
      name: 'RefusedError',
      message:
        'refused: prod requires approval: run it in a GitHub Actions job with "environment: prod" (its required reviewers approve the deployment) ' +
        'and CHANGEGATE_ENVIRONMENT=prod; this job runs in no environment',
    });
  });

  it('outside Actions, requires a person to name the approver', () => {
    assert.equal(approvalGate(required, { inActions: false, deploymentEnvironment: 'prod', approvedBy: 'dana' }), 'dana');
    assert.throws(() => approvalGate(required, { inActions: false, deploymentEnvironment: 'prod', approvedBy: undefined }), {
      name: 'RefusedError',
      message:
        'refused: prod requires approval; outside GitHub Actions pass --approved-by <the teammate who verified this change>, which is recorded in the history',
    });
  });
});
