import { afterAll, expect, it } from "vitest";
import { freshStoreFactory } from "../../test/support/store/contract-backend.ts";
import { hasJava, startDynamoDbLocal } from "../../test/support/store/dynamodb-local.ts";
import { runStoreContract } from "../../test/support/store/store-contract.ts";

// AWS's own DynamoDB Local for fidelity; it needs java (present on CI and the dev machines).
const local = await startDynamoDbLocal();

if (local) {
  const factory = freshStoreFactory(local);
  afterAll(async () => {
    factory.close();
    await local.stop();
  });
  runStoreContract({ name: "DynamoDB Local", newStore: factory.newStore });
} else {
  it("runs the store contract on DynamoDB Local only where java is missing", () => {
    expect(hasJava()).toBe(false);
  });
}
