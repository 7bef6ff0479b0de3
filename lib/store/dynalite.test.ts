import { afterAll } from "vitest";
import { startDynalite } from "../local/dynalite.ts";
import { freshStoreFactory } from "./contract-backend.ts";
import { runStoreContract } from "./store-contract.ts";

const local = await startDynalite();
const factory = freshStoreFactory(local);
afterAll(async () => {
  factory.close();
  await local.stop();
});

runStoreContract({ name: "dynalite", newStore: factory.newStore });
