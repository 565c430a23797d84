// Guards that need no connection: they run before any AWS call or connection is made.
import { RefusedError } from './errors.js';
import type { Config, EnvironmentConfig } from './types.js';

/** The first DNS label of a host (`prodinvoicingco.cluster-x.us-east-2.rds.amazonaws.com` -> `prodinvoicingco`). */
export function hostLabel(host: string): string {
  return host.toLowerCase().split('.')[0] ?? '';
}

/** The protected cluster that `name` (a cluster id, a host or a secret id) points at, if any. */
export function protectedMatch(config: Config, name: string | undefined | null): string | undefined {
  if (!name) return undefined;
  const n = name.toLowerCase();
  return config.protected_clusters.find((p) => {
    const q = p.toLowerCase();
    // A secret id embeds the cluster id (rds-admin-credentials-prodinvoicingco); a host starts with it.
    return n === q || hostLabel(n) === q || n.endsWith(`-${q}`) || n.endsWith(`/${q}`);
  });
}

/** Nothing connects to a protected cluster; this is the part that needs no network: refuses one by cluster id or secret id. */
export function refuseProtected(config: Config, env: EnvironmentConfig, what: string | undefined, kind: string): void {
  const hit = protectedMatch(config, what);
  if (hit) {
    throw new RefusedError(
      `refused: environment ${env.name} ${kind} ${what}, which is the protected cluster ${hit} (protected_clusters in ${config.file}); nothing was contacted`,
    );
  }
}

/** Facts about where the CLI runs, for the approval gate. */
export interface RunnerFacts {
  /** True inside a GitHub Actions job (`GITHUB_ACTIONS=true`). */
  inActions: boolean;
  /** The GitHub environment the job runs in, as the workflow passes it (`CHANGEGATE_ENVIRONMENT`). */
  deploymentEnvironment: string | undefined;
  /** `--approved-by` from a person at a workstation. */
  approvedBy: string | undefined;
}

/**
 * `approval: required`: inside GitHub Actions the job must run in the GitHub environment of that name
 * (whose required reviewers approved it); elsewhere a person must name the approver. Returns the
 * approver known so far (the workstation's), or null when CI will look it up. `approval: risky` gates
 * the same way here (a rollback or a restore undoes what ran); apply decides it on its plan instead.
 */
export function approvalGate(env: EnvironmentConfig, facts: RunnerFacts): string | null {
  if (env.approval !== 'required' && env.approval !== 'risky') return facts.approvedBy ?? null;
  if (facts.inActions) {
    if (facts.deploymentEnvironment !== env.name) {
      throw new RefusedError(
        `refused: ${env.name} requires approval: run it in a GitHub Actions job with "environment: ${env.name}" ` +
          `(its required reviewers approve the deployment) and CHANGEGATE_ENVIRONMENT=${env.name}; this job runs in ${facts.deploymentEnvironment ? `environment ${facts.deploymentEnvironment}` : 'no environment'}`,
      );
    }
    return facts.approvedBy ?? null;
  }
  if (!facts.approvedBy) {
    throw new RefusedError(
      `refused: ${env.name} requires approval; outside GitHub Actions pass --approved-by <the teammate who verified this change>, which is recorded in the history`,
    );
  }
  return facts.approvedBy;
}
