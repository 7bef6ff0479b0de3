import { afterAll } from "vitest";
import { sharedEmulators } from "../../test/support/emulators/shared-emulators.ts";
import { freshStoreFactory } from "../../test/support/store/contract-backend.ts";
import { runStoreContract } from "../../test/support/store/store-contract.ts";

const factory = freshStoreFactory(sharedEmulators().dynamo);
afterAll(() => factory.close());

runStoreContract({ name: "dynalite", newStore: factory.newStore });
