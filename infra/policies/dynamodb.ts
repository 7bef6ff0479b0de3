import { tableAndIndexArns } from "./arns.ts";
import type { PolicyStatement } from "./document.ts";

/**
 * Exactly the item-level DynamoDB actions the store calls (single-item conditional writes and
 * queries; `coverage.test.ts` checks this against lib/store). No Scan, no batch or transaction, no
 * table management: infra owns the table.
 */
export const DYNAMODB_DATA_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:Query",
];

/** Read and write items of one table and query its named indexes; no other table. */
export const tableDataStatement = (tableArn: string, indexNames: readonly string[]): PolicyStatement => ({
  Sid: "TableData",
  Effect: "Allow",
  Action: [...DYNAMODB_DATA_ACTIONS],
  Resource: tableAndIndexArns(tableArn, indexNames),
});
