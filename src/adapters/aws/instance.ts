// Where a run connects for an RDS MySQL DB instance (`instance:`): its endpoint from
// DescribeDBInstances, and only when it is safe to write there.
import { DescribeDBInstancesCommand, type DBInstance, type RDSClient } from '@aws-sdk/client-rds';
import { ChangegateError, RefusedError } from '../../core/errors.js';
import { clientRegion } from './clients.js';
import type { ClusterTarget } from './cluster.js';
import { awsCall, awsErrorMessage } from './errors.js';

/**
 * An RDS DB instance, in the shape the connection step shares with clusters (`clusterId` is the
 * instance id there), plus what its snapshot and restore command need.
 */
export interface InstanceTarget extends ClusterTarget {
  kind: 'instance';
  instanceId: string;
  /** The instance class, so a restored copy can be the same size. */
  instanceClass?: string;
}

/** Engines of an RDS instance that speak MySQL. */
const MYSQL_ENGINES = new Set(['mysql', 'mariadb']);

/** Whether a resolved target is an RDS instance rather than a cluster. */
export function isInstance(t: ClusterTarget): t is InstanceTarget {
  return (t as Partial<InstanceTarget>).kind === 'instance';
}

/** Looks up `instanceId` and returns its endpoint; refuses an instance that is not safe to write to. */
export async function resolveInstance(rds: RDSClient, instanceId: string): Promise<InstanceTarget> {
  const region = await clientRegion(rds);
  const ctx = { call: 'DescribeDBInstances', service: 'rds', resource: instanceId, kind: 'instance', region } as const;
  const out = await awsCall(ctx, () => rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: instanceId })));
  const instance = out.DBInstances?.[0];
  if (!instance) throw new ChangegateError(awsErrorMessage({ name: 'DBInstanceNotFound' }, ctx), 1);
  return checkInstance(instance, instanceId, region);
}

function checkInstance(i: DBInstance, instanceId: string, region: string): InstanceTarget {
  const where = `instance ${instanceId} in ${region}`;
  // A read replica first: even an available replica must never be written to.
  const source = i.ReadReplicaSourceDBInstanceIdentifier ?? i.ReadReplicaSourceDBClusterIdentifier;
  if (source) {
    throw new RefusedError(
      `${where} is a read replica of ${source}; changegate never applies changes to a replica: point the environment at the source instance`,
    );
  }
  if (i.DBClusterIdentifier) {
    throw new RefusedError(
      `${where} is a member of cluster ${i.DBClusterIdentifier}; point the environment at the cluster (cluster: ${i.DBClusterIdentifier}), whose writer endpoint follows failovers`,
    );
  }
  const engine = i.Engine ?? '';
  if (!MYSQL_ENGINES.has(engine)) {
    throw new RefusedError(`${where} runs ${engine || 'an unknown engine'}; changegate supports RDS for MySQL and MariaDB instances only`);
  }
  const status = i.DBInstanceStatus ?? 'unknown';
  if (status !== 'available') {
    throw new RefusedError(
      `${where} is "${status}", not "available"; changegate connects only to an available instance: wait until it is available and re-run`,
    );
  }
  if (!i.Endpoint?.Address || !i.Endpoint.Port) {
    throw new RefusedError(`${where} reports no endpoint; wait until it is available and re-run`);
  }
  return {
    kind: 'instance',
    instanceId,
    clusterId: instanceId,
    region,
    endpoint: i.Endpoint.Address,
    port: i.Endpoint.Port,
    engine,
    engineVersion: i.EngineVersion ?? '',
    status,
    // An instance takes IAM tokens as a cluster does; its rds-db:connect resource is the DbiResourceId.
    iamAuth: i.IAMDatabaseAuthenticationEnabled === true,
    ...(i.DbiResourceId ? { resourceId: i.DbiResourceId } : {}),
    ...(i.DBInstanceArn ? { arn: i.DBInstanceArn } : {}),
    ...(i.DBSubnetGroup?.DBSubnetGroupName ? { subnetGroup: i.DBSubnetGroup.DBSubnetGroupName } : {}),
    securityGroupIds: (i.VpcSecurityGroups ?? []).flatMap((g) => (g.VpcSecurityGroupId ? [g.VpcSecurityGroupId] : [])),
    ...(i.DBInstanceClass ? { instanceClass: i.DBInstanceClass } : {}),
  };
}
