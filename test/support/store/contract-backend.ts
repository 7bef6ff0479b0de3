import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createDocumentClient, createStore, type Store } from "../../../lib/store/store.ts";
import { ensureTable } from "../../../lib/store/table.ts";
import { type LocalEndpoint, uniqueName } from "../emulators/shared-emulators.ts";

/**
 * A `newStore` for the contract suite over a running emulator (maybe shared): each call creates a
 * fresh table of a name no other test uses.
 * The clock ticks one millisecond per reading so `updated_at` always moves forward.
 */
export function freshStoreFactory(local: LocalEndpoint): {
  newStore: () => Promise<Store>;
  close: () => void;
} {
  const raw = new DynamoDBClient({ ...local, maxAttempts: 3 });
  const documents = createDocumentClient({ ...local, maxAttempts: 3 });
  let tick = Date.parse("2026-11-28T12:00:00.000Z");
  return {
    async newStore() {
      const tableName = uniqueName("contract");
      await ensureTable(raw, tableName);
      return createStore({ client: documents, tableName, now: () => new Date(tick++) });
    },
    close() {
      raw.destroy();
      documents.destroy();
    },
  };
}
