// `auth: iam`: the database login is a 15-minute token that @aws-sdk/rds-signer presigns with the job's
// own short-lived AWS credentials, so no long-lived database password exists anywhere. The token is a
// bearer credential for those 15 minutes: it is handed to `onToken` (masking, redaction) before it is
// returned, and nothing here prints, logs or keeps it.
import { Signer } from '@aws-sdk/rds-signer';
import { ChangegateError, RefusedError } from '../../core/errors.js';
import type { ClusterTarget } from './cluster.js';
import { awsErrorMessage } from './errors.js';

/** How a connection logs in with IAM: a fresh token for each connection, and what to say when refused. */
export interface IamLogin {
  /** The database user the token is for. */
  user: string;
  /** A new token; called once per connection, when the server asks for `mysql_clear_password`. */
  token(): Promise<string>;
  /** The fix for a login the server refused: the user, the resource id and the grant; never a token. */
  refused: string;
}

/** `arn:PARTITION:rds-db:REGION:ACCOUNT:dbuser:RESOURCE_ID/USER`, the resource of `rds-db:connect`. */
export function dbUserArn(cluster: ClusterTarget, user: string): string {
  // The cluster's own ARN gives the partition (aws, aws-cn, aws-us-gov) and the account.
  const [, partition = 'aws', , , account = 'ACCOUNT'] = (cluster.arn ?? '').split(':');
  return `arn:${partition}:rds-db:${cluster.region}:${account}:dbuser:${cluster.resourceId ?? 'RESOURCE_ID'}/${user}`;
}

/**
 * Checks that the cluster accepts IAM tokens (refused before connecting when it does not) and returns
 * the login for `user`. Tokens are signed for the writer endpoint DescribeDBClusters returned, since
 * the server checks the token's host against its own endpoint; a custom DNS name would never verify.
 */
export function iamLogin(cluster: ClusterTarget, user: string, onToken: (token: string) => void): IamLogin {
  const where = `cluster ${cluster.clusterId} in ${cluster.region}`;
  if (!cluster.iamAuth) {
    throw new RefusedError(
      `refused: ${where} does not accept IAM database authentication (IAMDatabaseAuthenticationEnabled is false); ` +
        `enable it (aws rds modify-db-cluster --region ${cluster.region} --db-cluster-identifier ${cluster.clusterId} ` +
        '--enable-iam-database-authentication --apply-immediately), or log in with the admin secret (auth: secret and secret:)',
    );
  }
  const signer = new Signer({ hostname: cluster.endpoint, port: cluster.port, username: user, region: cluster.region });
  const arn = dbUserArn(cluster, user);
  return {
    user,
    async token() {
      let token: string;
      try {
        token = await signer.getAuthToken();
      } catch (err) {
        // Signing is local: what fails here is finding the job's AWS credentials.
        const ctx = { call: 'GenerateDBAuthToken', service: 'rds', resource: cluster.clusterId, kind: 'cluster', region: cluster.region } as const;
        throw new ChangegateError(awsErrorMessage(err, ctx), 1, { cause: err });
      }
      onToken(token);
      return token;
    },
    refused:
      `the server refused the IAM token of user ${user}; check that ${user} exists IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS', ` +
      `and that the job's role may call rds-db:connect on ${arn} (the resource id of ${where} is ${cluster.resourceId ?? 'unknown'})`,
  };
}
