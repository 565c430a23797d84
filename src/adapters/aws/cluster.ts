// Where a run connects: the cluster's writer endpoint, and only when it is safe to write there.
import { DescribeDBClustersCommand, type DBCluster, type RDSClient } from '@aws-sdk/client-rds';
import { ChangegateError, RefusedError } from '../../core/errors.js';
import { clientRegion } from './clients.js';
import { awsCall, awsErrorMessage } from './errors.js';

/** The writer of an Aurora (or RDS Multi-AZ) cluster, as DescribeDBClusters reports it. */
export interface ClusterTarget {
  clusterId: string;
  region: string;
  /** The cluster (writer) endpoint; the reader endpoint is never used. */
  endpoint: string;
  port: number;
  engine: string;
  engineVersion: string;
  status: string;
  arn?: string;
  /** Where a restored copy should go to be reachable like this one (for the restore command). */
  subnetGroup?: string;
  securityGroupIds: string[];
  /** Whether the cluster accepts IAM database tokens (`IAMDatabaseAuthenticationEnabled`). */
  iamAuth: boolean;
  /** `DbClusterResourceId` (`cluster-ABC...`): the id an `rds-db:connect` policy names. */
  resourceId?: string;
  /** The admin secret RDS manages for the cluster (`MasterUserSecret`), when it does. */
  masterUserSecret?: { arn: string; status: string };
}

/** Engines whose writer speaks MySQL; an Aurora PostgreSQL cluster is refused before connecting. */
const MYSQL_ENGINES = new Set(['aurora-mysql', 'mysql', 'aurora']);

/** Looks up `clusterId` and returns its writer endpoint; refuses a cluster that is not safe to write to. */
export async function resolveCluster(rds: RDSClient, clusterId: string): Promise<ClusterTarget> {
  const region = await clientRegion(rds);
  const ctx = { call: 'DescribeDBClusters', service: 'rds', resource: clusterId, kind: 'cluster', region } as const;
  const out = await awsCall(ctx, () => rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterId })));
  const cluster = out.DBClusters?.[0];
  if (!cluster) {
    throw new ChangegateError(awsErrorMessage({ name: 'DBClusterNotFoundFault' }, ctx), 1);
  }
  return checkCluster(cluster, clusterId, region);
}

function checkCluster(c: DBCluster, clusterId: string, region: string): ClusterTarget {
  const where = `cluster ${clusterId} in ${region}`;
  // A replica first: even an available replica must never be written to.
  if (c.ReplicationSourceIdentifier) {
    throw new RefusedError(
      `${where} is a replica of ${c.ReplicationSourceIdentifier}; changegate never applies changes to a replica: ` +
        'point the environment at the source cluster',
    );
  }
  const engine = c.Engine ?? '';
  if (!MYSQL_ENGINES.has(engine)) {
    throw new RefusedError(`${where} runs ${engine || 'an unknown engine'}; changegate supports Aurora MySQL and MySQL clusters only`);
  }
  const status = c.Status ?? 'unknown';
  if (status !== 'available') {
    throw new RefusedError(
      `${where} is "${status}", not "available"; changegate connects only to an available cluster: ` +
        'wait until it is available and re-run',
    );
  }
  // An empty member list means no instance at all: the endpoint would not answer.
  if (c.DBClusterMembers && !c.DBClusterMembers.some((m) => m.IsClusterWriter)) {
    throw new RefusedError(`${where} has no writer instance; add one or wait for the failover to finish, then re-run`);
  }
  if (!c.Endpoint || !c.Port) {
    throw new RefusedError(`${where} reports no writer endpoint; wait until it is available and re-run`);
  }
  return {
    clusterId,
    region,
    endpoint: c.Endpoint,
    port: c.Port,
    engine,
    engineVersion: c.EngineVersion ?? '',
    status,
    ...(c.DBClusterArn ? { arn: c.DBClusterArn } : {}),
    ...(c.DBSubnetGroup ? { subnetGroup: c.DBSubnetGroup } : {}),
    securityGroupIds: (c.VpcSecurityGroups ?? []).flatMap((g) => (g.VpcSecurityGroupId ? [g.VpcSecurityGroupId] : [])),
    iamAuth: c.IAMDatabaseAuthenticationEnabled === true,
    ...(c.DbClusterResourceId ? { resourceId: c.DbClusterResourceId } : {}),
    ...(c.MasterUserSecret?.SecretArn
      ? { masterUserSecret: { arn: c.MasterUserSecret.SecretArn, status: c.MasterUserSecret.SecretStatus ?? 'unknown' } }
      : {}),
  };
}
