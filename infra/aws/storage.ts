import { dynamoKeyArgs } from "../table.ts";
import { settings } from "./settings.ts";

/**
 * The one syncron table, keyed by the store's schema: on-demand, point-in-time recovery, TTL on
 * the attribute leases and idempotency records carry, encrypted, and deletion-protected in
 * production.
 */
export const table = new sst.aws.Dynamo("Table", {
  ...dynamoKeyArgs(),
  deletionProtection: settings.production,
  transform: {
    table: (args) => {
      // SST's defaults today, stated so an SST upgrade cannot silently change them.
      args.billingMode = "PAY_PER_REQUEST";
      args.pointInTimeRecovery = { enabled: true };
      args.serverSideEncryption = { enabled: true };
    },
  },
});
