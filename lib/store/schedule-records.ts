import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { ScheduleRecord, ScheduleRecords } from "../schedule/schedule-records.ts";
import * as z from "../util/zod.ts";
import { scheduleRecordKey, schedulesPartition } from "./keys.ts";
import { queryAll } from "./paging.ts";

/** A record as the table keeps it (the item's key attributes aside). */
const ScheduleRecordItem = z.object({
  modified: z.number().int(),
  config_id: z.string().min(1),
  name: z.string().min(1),
  expression: z.string(),
  timezone: z.string(),
  state: z.enum(["ENABLED", "DISABLED"]),
  end_time: z.string().optional(),
  definition: z.string().optional(),
});

/**
 * The scheduler adapter's records (lib/schedule/schedule-records.ts), one item per schedule in one
 * partition per schedule group, so a cold start reads them all in a few Query pages.
 */
export function createScheduleRecordRepository(deps: {
  client: DynamoDBDocumentClient;
  tableName: string;
}): ScheduleRecords {
  const { client, tableName } = deps;
  return {
    async list(group) {
      const items = await queryAll({
        client,
        tableName,
        partition: schedulesPartition(group),
        forward: true,
      });
      return items.map((item): ScheduleRecord => {
        const { modified, end_time, definition, ...info } = ScheduleRecordItem.parse(item);
        const optional = { ...(end_time ? { end_time } : {}), ...(definition ? { definition } : {}) };
        return { modified, info: { ...info, ...optional } };
      });
    },

    async put(group, { modified, info }) {
      const { next_run: _next, ...kept } = info;
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...ScheduleRecordItem.parse({ ...kept, modified }),
            ...scheduleRecordKey(group, info.name),
          },
        }),
      );
    },

    async delete(group, name) {
      await client.send(new DeleteCommand({ TableName: tableName, Key: scheduleRecordKey(group, name) }));
    },
  };
}
