import { afterAll } from "vitest";
import { freshStoreFactory } from "../../test/support/store/contract-backend.ts";
import { runStoreContract } from "../../test/support/store/store-contract.ts";
import { startDynalite } from "../dev/emulators/dynalite.ts";

const local = await startDynalite();
const factory = freshStoreFactory(local);
afterAll(async () => {
  factory.close();
  await local.stop();
});

runStoreContract({ name: "dynalite", newStore: factory.newStore });
