import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "../util/zod.ts";
import { succeeded } from "./errors.ts";
import { ExpressionBuilder } from "./expressions.ts";
import { getItem } from "./items.ts";
import { leaseKey } from "./keys.ts";

/**
 * One lease per config: at most one run of a config at a time. It lapses at `lease_until`
 * (epoch ms) unless renewed; `expires_at` (epoch s, the table's TTL) lets DynamoDB delete it
 * later. Correctness never depends on the TTL deletion, only on `lease_until`.
 */
const LeaseSchema = z.object({
  config_id: z.string().min(1),
  owner: z.string().min(1),
  acquired_at: z.iso.datetime({ offset: true }),
  lease_until: z.number().int(),
  expires_at: z.number().int(),
});
export type Lease = z.output<typeof LeaseSchema>;

export interface LeaseOptions {
  /** Who holds it, e.g. the task id of the run. */
  owner: string;
  /** How long the lease lasts from `now`. */
  ttl_ms: number;
  /** Defaults to the store's clock. */
  now?: Date;
  /**
   * `acquire` only: also take the lease from this owner, live or not, if it still holds it. For a
   * holder known to be done (its run is final or gone): only one of several callers wins.
   */
  replacing?: string;
}

export interface LeaseRepository {
  /**
   * Takes the lease when it is free, lapsed, already this owner's, or held by `options.replacing`.
   * Resolves whether it is now held.
   */
  acquire(configId: string, options: LeaseOptions): Promise<boolean>;
  /** Extends this owner's lease to `now + ttl_ms`. Resolves false when another owner holds it or it is gone. */
  renew(configId: string, options: LeaseOptions): Promise<boolean>;
  /** Deletes the lease only if `owner` holds it; resolves whether it did. */
  release(configId: string, owner: string): Promise<boolean>;
  /** The lease item, lapsed or not (for status views). */
  get(configId: string): Promise<Lease | undefined>;
}

export function createLeaseRepository(deps: {
  client: DynamoDBDocumentClient;
  tableName: string;
  now: () => Date;
}): LeaseRepository {
  const { client, tableName } = deps;
  const window = (options: LeaseOptions) => {
    if (!Number.isFinite(options.ttl_ms) || options.ttl_ms <= 0) {
      throw new RangeError(`ttl_ms must be a positive number, got ${options.ttl_ms}`);
    }
    const now = (options.now ?? deps.now()).getTime();
    const until = Math.ceil(now + options.ttl_ms);
    return { now, until, expires_at: Math.ceil(until / 1000) };
  };

  return {
    async acquire(configId, options) {
      const { now, until, expires_at } = window(options);
      const expr = new ExpressionBuilder();
      const lease: Lease = {
        config_id: configId,
        owner: options.owner,
        acquired_at: new Date(now).toISOString(),
        lease_until: until,
        expires_at,
      };
      const free = `attribute_not_exists(pk) OR ${expr.name("lease_until")} <= ${expr.value(now)}`;
      const owners = [options.owner, ...(options.replacing === undefined ? [] : [options.replacing])];
      const mine = `${expr.name("owner")} IN (${owners.map((owner) => expr.value(owner)).join(", ")})`;
      return succeeded(() =>
        client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...lease, ...leaseKey(configId) },
            ConditionExpression: `${free} OR ${mine}`,
            ...expr.attributes(),
          }),
        ),
      );
    },

    async renew(configId, options) {
      const { until, expires_at } = window(options);
      const expr = new ExpressionBuilder();
      const updateExpression = expr.update({ set: { lease_until: until, expires_at } });
      return succeeded(() =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: leaseKey(configId),
            UpdateExpression: updateExpression,
            ConditionExpression: `attribute_exists(pk) AND ${expr.name("owner")} = ${expr.value(options.owner)}`,
            ...expr.attributes(),
          }),
        ),
      );
    },

    async release(configId, owner) {
      return succeeded(() =>
        client.send(
          new DeleteCommand({
            TableName: tableName,
            Key: leaseKey(configId),
            ConditionExpression: "#owner = :owner",
            ExpressionAttributeNames: { "#owner": "owner" },
            ExpressionAttributeValues: { ":owner": owner },
          }),
        ),
      );
    },

    get: (configId) => getItem(deps, leaseKey(configId), (item) => LeaseSchema.parse(item)),
  };
}
