import { DeleteCommand, type DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { ConflictError, conditional, NotFoundError, succeeded } from "./errors.ts";
import { ExpressionBuilder } from "./expressions.ts";
import { getItem, putNew } from "./items.ts";
import { CONFIGS_PARTITION, configItem, configKey, ENABLED_PARTITION, enabledKeys } from "./keys.ts";
import { type Page, type PageOptions, queryAll, queryPage } from "./paging.ts";
import { INDEX } from "./schema.ts";
import {
  type LastRun,
  LastRunSchema,
  type SyncConfig,
  type SyncConfigPatch,
  SyncConfigPatchSchema,
  SyncConfigSchema,
  syncConfigFields,
} from "./sync-config.ts";

/** Sync configs, keyed by id. Reads are strongly consistent except the index listings. */
export interface ConfigRepository {
  /** Stores a new config. Throws ConflictError when the id exists. */
  create(config: SyncConfig): Promise<SyncConfig>;
  get(id: string): Promise<SyncConfig | undefined>;
  /**
   * Applies a patch of user fields, bumps `version` and `updated_at`, and returns the new config.
   * With `expectedVersion`, fails with ConflictError unless the stored version is that one; without
   * it, a concurrent update is retried on the fresh item. Throws NotFoundError, ConflictError.
   */
  update(id: string, patch: SyncConfigPatch, options?: { expectedVersion?: number }): Promise<SyncConfig>;
  /** Deletes a config; resolves whether it existed. Its runs stay until their TTL. */
  delete(id: string): Promise<boolean>;
  /** All configs, oldest first, one page at a time. Throws InvalidCursorError, RangeError (limit). */
  list(options?: PageOptions): Promise<Page<SyncConfig>>;
  /** Every enabled config (sparse index, read page by page). */
  listEnabled(): Promise<SyncConfig[]>;
  /** Records the latest run's outcome without bumping `version`; resolves false when the config is gone. */
  setLastRun(id: string, lastRun: LastRun | null): Promise<boolean>;
}

const USER_FIELDS = Object.keys(syncConfigFields) as (keyof typeof syncConfigFields)[];
const UPDATE_ATTEMPTS = 5;

export function createConfigRepository(deps: {
  client: DynamoDBDocumentClient;
  tableName: string;
  now: () => Date;
}): ConfigRepository {
  const { client, tableName } = deps;
  const parse = (item: Record<string, unknown>): SyncConfig => SyncConfigSchema.parse(item);

  const get = (id: string): Promise<SyncConfig | undefined> => getItem(deps, configKey(id), parse);

  return {
    async create(config) {
      const valid = SyncConfigSchema.parse(config);
      await putNew(deps, configItem(valid), `sync config ${JSON.stringify(valid.id)}`);
      return valid;
    },

    get,

    async update(id, patch, options = {}) {
      const changes = SyncConfigPatchSchema.parse(patch);
      const { expectedVersion } = options;
      for (let attempt = 1; ; attempt++) {
        const current = await get(id);
        if (!current) throw new NotFoundError("sync config", id);
        if (expectedVersion !== undefined && current.version !== expectedVersion) {
          throw new ConflictError(
            `sync config ${JSON.stringify(id)} is at version ${current.version}, not ${expectedVersion}`,
          );
        }
        const next = parse({
          ...current,
          ...changes,
          version: current.version + 1,
          updated_at: deps.now().toISOString(),
        });
        const expr = new ExpressionBuilder();
        const set: Record<string, unknown> = { version: next.version, updated_at: next.updated_at };
        for (const field of USER_FIELDS) set[field] = next[field];
        const updateExpression = expr.update(
          next.enabled ? { set: { ...set, ...enabledKeys(next) } } : { set, remove: ["gsi2pk", "gsi2sk"] },
        );
        const written = await conditional(
          async () => {
            await client.send(
              new UpdateCommand({
                TableName: tableName,
                Key: configKey(id),
                UpdateExpression: updateExpression,
                ConditionExpression: `attribute_exists(pk) AND ${expr.name("version")} = ${expr.value(current.version)}`,
                ...expr.attributes(),
              }),
            );
            return true;
          },
          (cause) => {
            // Lost a race with another writer (or a delete): try again on the fresh item.
            if (expectedVersion !== undefined || attempt >= UPDATE_ATTEMPTS) {
              throw new ConflictError(`sync config ${JSON.stringify(id)} was changed concurrently`, {
                cause,
              });
            }
            return false;
          },
        );
        if (written) return next;
      }
    },

    async delete(id) {
      const { Attributes } = await client.send(
        new DeleteCommand({ TableName: tableName, Key: configKey(id), ReturnValues: "ALL_OLD" }),
      );
      return Attributes !== undefined;
    },

    async list(options) {
      const page = await queryPage(
        { client, tableName, index: INDEX.byParent, partition: CONFIGS_PARTITION, forward: true },
        options,
      );
      return { items: page.items.map(parse), next_cursor: page.next_cursor };
    },

    async listEnabled() {
      const items = await queryAll({
        client,
        tableName,
        index: INDEX.sparse,
        partition: ENABLED_PARTITION,
        forward: true,
      });
      return items.map(parse);
    },

    async setLastRun(id, lastRun) {
      const value = lastRun === null ? null : LastRunSchema.parse(lastRun);
      const expr = new ExpressionBuilder();
      return succeeded(() =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: configKey(id),
            UpdateExpression: expr.update({ set: { last_run: value } }),
            ConditionExpression: "attribute_exists(pk)",
            ...expr.attributes(),
          }),
        ),
      );
    },
  };
}
