import { type DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "../util/zod.ts";
import { InvalidCursorError } from "./errors.ts";
import { GLOBAL_INDEXES, PRIMARY_INDEX } from "./schema.ts";

/** One page of a listing. `next_cursor` is null on the last page; pass it back to get the next one. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface PageOptions {
  /** Items per page, 1–1000 (default 50). */
  limit?: number;
  /** The `next_cursor` of the previous page; absent or null for the first page. */
  cursor?: string | null;
}

const DEFAULT_PAGE_LIMIT = 50;
const MAX_PAGE_LIMIT = 1000;

type IndexName = keyof typeof GLOBAL_INDEXES;

interface IndexQuery {
  client: DynamoDBDocumentClient;
  tableName: string;
  index: IndexName;
  partition: string;
  /** false: newest (largest sort key) first. */
  forward: boolean;
  /** Only items whose attribute has this value (a FilterExpression: read, then dropped). */
  filter?: { readonly attribute: string; readonly value: string };
}

/**
 * Index reads one filtered page may take: a rare value must not read a whole partition in one
 * request. A page cut short says so with a `next_cursor` (it may even be empty).
 */
const MAX_FILTERED_READS = 8;

const keyNames = (index: IndexName) => {
  const { hashKey, rangeKey } = GLOBAL_INDEXES[index];
  return [PRIMARY_INDEX.hashKey, PRIMARY_INDEX.rangeKey, hashKey, rangeKey] as const;
};

/** An opaque cursor: base64url of the last returned item's key, bound to one index partition. */
function encodeCursor(item: Record<string, unknown>, index: IndexName): string {
  const key = Object.fromEntries(keyNames(index).map((name) => [name, item[name]]));
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

function decodeCursor(cursor: string, query: IndexQuery): Record<string, string> {
  const [pk, sk, hashKey, rangeKey] = keyNames(query.index);
  const shape = z.strictObject({
    [pk]: z.string().min(1),
    [sk]: z.string().min(1),
    [hashKey]: z.literal(query.partition),
    [rangeKey]: z.string().min(1),
  });
  const bad = (cause?: unknown) =>
    new InvalidCursorError(`cursor ${JSON.stringify(cursor.slice(0, 80))} is not valid for this listing`, {
      cause,
    });
  if (!/^[A-Za-z0-9_-]{1,2048}$/.test(cursor)) throw bad();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch (error) {
    throw bad(error);
  }
  const parsed = shape.safeParse(decoded);
  if (!parsed.success) throw bad(parsed.error);
  return parsed.data as Record<string, string>;
}

/** Checks a page limit: an integer from 1 to {@link MAX_PAGE_LIMIT}. */
function pageLimit(limit: number | undefined): number {
  const value = limit ?? DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_LIMIT) {
    throw new RangeError(`limit must be an integer from 1 to ${MAX_PAGE_LIMIT}, got ${value}`);
  }
  return value;
}

/**
 * Reads one page of an index partition. It fetches one item more than asked so the last page
 * says `next_cursor: null` instead of leading to an empty page. With a `filter`, a page stops after
 * {@link MAX_FILTERED_READS} reads and may then hold fewer items than `limit` (still with a
 * `next_cursor`). Throws InvalidCursorError.
 */
export async function queryPage(
  query: IndexQuery,
  options: PageOptions = {},
): Promise<Page<Record<string, unknown>>> {
  const limit = pageLimit(options.limit);
  let startKey: Record<string, unknown> | undefined = options.cursor
    ? decodeCursor(options.cursor, query)
    : undefined;
  const items: Record<string, unknown>[] = [];
  let reads = 0;
  do {
    // A filter's Limit counts items read, not kept: read whole pages then.
    const want = query.filter ? undefined : limit + 1 - items.length;
    const page = await query.client.send(queryCommand(query, startKey, want));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
    reads++;
  } while (startKey && items.length <= limit && (!query.filter || reads < MAX_FILTERED_READS));
  if (items.length <= limit) {
    return { items, next_cursor: startKey ? encodeCursor(startKey, query.index) : null };
  }
  const pageItems = items.slice(0, limit);
  return { items: pageItems, next_cursor: encodeCursor(pageItems[limit - 1] ?? {}, query.index) };
}

/** A partition of the table's own key (`pk`), read strongly consistent. */
type TableQuery = Omit<IndexQuery, "index"> & { index?: undefined };

/**
 * Reads a whole index partition, page by page (for small sets: enabled configs, unfinished runs), or
 * without `index` a partition of the table itself, strongly consistent (schedule records).
 */
export async function queryAll(query: IndexQuery | TableQuery): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await query.client.send(queryCommand(query, startKey));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

function queryCommand(
  query: IndexQuery | TableQuery,
  startKey: Record<string, unknown> | undefined,
  limit?: number,
) {
  const { filter, index } = query;
  return new QueryCommand({
    TableName: query.tableName,
    ...(index ? { IndexName: index } : { ConsistentRead: true }),
    KeyConditionExpression: "#p = :p",
    ExpressionAttributeNames: {
      "#p": index ? GLOBAL_INDEXES[index].hashKey : PRIMARY_INDEX.hashKey,
      ...(filter ? { "#f": filter.attribute } : {}),
    },
    ExpressionAttributeValues: { ":p": query.partition, ...(filter ? { ":f": filter.value } : {}) },
    ...(filter ? { FilterExpression: "#f = :f" } : {}),
    ScanIndexForward: query.forward,
    ...(limit === undefined ? {} : { Limit: limit }),
    ...(startKey ? { ExclusiveStartKey: startKey } : {}),
  });
}
