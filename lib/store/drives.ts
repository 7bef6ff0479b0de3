import { DeleteCommand, type DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type DriveRecord, type DriveRecordFields, DriveRecordSchema } from "./drive-record.ts";
import { ConflictError, conditional, NotFoundError } from "./errors.ts";
import { ExpressionBuilder } from "./expressions.ts";
import { getItem, putNew } from "./items.ts";
import { DRIVES_PARTITION, driveItem, driveKey } from "./keys.ts";
import { type Page, type PageOptions, queryAll, queryPage } from "./paging.ts";
import { INDEX } from "./schema.ts";

/** Named drives, keyed by name. Holds settings and a secret reference only, never a secret. */
export interface DriveRepository {
  /** Stores a new drive (version 1). Throws ConflictError when the name is taken. */
  create(fields: DriveRecordFields & { name: string }): Promise<DriveRecord>;
  get(name: string): Promise<DriveRecord | undefined>;
  /**
   * Replaces the drive's fields, bumps `version` and `updated_at`. Only if the stored version is
   * `expectedVersion` (the one read before), else ConflictError. Throws NotFoundError.
   */
  update(name: string, fields: DriveRecordFields, expectedVersion: number): Promise<DriveRecord>;
  /** Deletes a drive; resolves the deleted record, or undefined when there was none. */
  delete(name: string): Promise<DriveRecord | undefined>;
  /** All drives, oldest first, one page at a time. Throws InvalidCursorError, RangeError (limit). */
  list(options?: PageOptions): Promise<Page<DriveRecord>>;
  /** Every drive. */
  listAll(): Promise<DriveRecord[]>;
}

export function createDriveRepository(deps: {
  client: DynamoDBDocumentClient;
  tableName: string;
  now: () => Date;
}): DriveRepository {
  const { client, tableName } = deps;
  const parse = (item: Record<string, unknown>): DriveRecord => DriveRecordSchema.parse(item);
  const index = {
    client,
    tableName,
    index: INDEX.byParent,
    partition: DRIVES_PARTITION,
    forward: true,
  } as const;

  return {
    async create(fields) {
      const at = deps.now().toISOString();
      const record = DriveRecordSchema.parse({ ...fields, created_at: at, updated_at: at, version: 1 });
      await putNew(deps, driveItem(record), `drive ${JSON.stringify(record.name)}`);
      return record;
    },

    get: (name) => getItem(deps, driveKey(name), parse),

    async update(name, fields, expectedVersion) {
      const current = await getItem(deps, driveKey(name), parse);
      if (!current) throw new NotFoundError("drive", name);
      const next = DriveRecordSchema.parse({
        ...current,
        ...fields,
        version: current.version + 1,
        updated_at: deps.now().toISOString(),
      });
      const expr = new ExpressionBuilder();
      const updateExpression = expr.update({
        set: {
          type: next.type,
          settings: next.settings,
          secrets_set: next.secrets_set,
          secret_version: next.secret_version,
          version: next.version,
          updated_at: next.updated_at,
        },
      });
      return conditional(
        async () => {
          await client.send(
            new UpdateCommand({
              TableName: tableName,
              Key: driveKey(name),
              UpdateExpression: updateExpression,
              ConditionExpression: `attribute_exists(pk) AND ${expr.name("version")} = ${expr.value(expectedVersion)}`,
              ...expr.attributes(),
            }),
          );
          return next;
        },
        (cause) => {
          throw new ConflictError(
            `drive ${JSON.stringify(name)} was changed since version ${expectedVersion}`,
            {
              cause,
            },
          );
        },
      );
    },

    async delete(name) {
      const { Attributes } = await client.send(
        new DeleteCommand({ TableName: tableName, Key: driveKey(name), ReturnValues: "ALL_OLD" }),
      );
      return Attributes ? parse(Attributes) : undefined;
    },

    async list(options) {
      const page = await queryPage(index, options);
      return { items: page.items.map(parse), next_cursor: page.next_cursor };
    },

    async listAll() {
      return (await queryAll(index)).map(parse);
    },
  };
}
