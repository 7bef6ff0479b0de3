import {
  DeleteParameterCommand,
  GetParameterCommand,
  PutParameterCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeSsm } from "../../../test/support/secrets/fake-ssm.ts";
import { type MotoServer, startMotoServer } from "../../../test/support/secrets/moto-server.ts";
import { runSecretStoreContract } from "../../../test/support/secrets/secret-store-contract.ts";
import { SecretNotFoundError, SecretStoreError } from "../secret-store.ts";
import { createSsmSecretStore, drivesParameterPath } from "./ssm-secret-store.ts";

const PATH = drivesParameterPath("test");
const newClient = (moto: MotoServer) =>
  new SSMClient({ endpoint: moto.endpoint, region: moto.region, credentials: moto.credentials });

runSecretStoreContract({
  name: "ssm (request-exact fake)",
  newStore: () => ({ store: createSsmSecretStore({ client: fakeSsm().client, path: PATH }) }),
});

describe("ssm secret store requests", () => {
  it("writes one standard SecureString per drive under the stage's path and reads it by version, decrypted", async () => {
    const { client, mock } = fakeSsm();
    const store = createSsmSecretStore({ client, path: PATH });
    const version = await store.put("nas", { password: "pw" });
    expect(mock.commandCalls(PutParameterCommand).map((call) => call.args[0].input)).toEqual([
      {
        Name: "/syncron/test/drives/nas",
        Value: '{"password":"pw"}',
        Type: "SecureString",
        Overwrite: true,
        Tier: "Standard",
      },
    ]);
    await store.get("nas", version);
    expect(mock.commandCalls(GetParameterCommand).map((call) => call.args[0].input)).toEqual([
      { Name: "/syncron/test/drives/nas:1", WithDecryption: true },
    ]);
    await store.delete("nas");
    expect(mock.commandCalls(DeleteParameterCommand).map((call) => call.args[0].input)).toEqual([
      { Name: "/syncron/test/drives/nas" },
    ]);
  });

  it("reads a drive's version once per process however often it is asked, and a rotation once more", async () => {
    const { client, mock } = fakeSsm();
    const writer = createSsmSecretStore({ client, path: PATH });
    const first = await writer.put("nas", { password: "one" });
    const worker = createSsmSecretStore({ client, path: PATH }); // a cold start
    for (let run = 0; run < 5; run++) expect(await worker.get("nas", first)).toEqual({ password: "one" });
    expect(mock.commandCalls(GetParameterCommand)).toHaveLength(1);
    const second = await writer.put("nas", { password: "two" });
    for (let run = 0; run < 5; run++) expect(await worker.get("nas", second)).toEqual({ password: "two" });
    expect(mock.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it("turns throttling into a retryable SecretStoreError and a bad value into one that does not quote it", async () => {
    const { client, mock } = fakeSsm();
    const store = createSsmSecretStore({ client, path: PATH });
    const throttled = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    mock.on(GetParameterCommand).rejectsOnce(throttled);
    const error = (await store.get("nas", "1").catch((e: unknown) => e)) as SecretStoreError;
    expect(error).toBeInstanceOf(SecretStoreError);
    expect(error.retryable).toBe(true);
    mock.on(GetParameterCommand).resolves({ Parameter: { Value: "password=hunter2" } });
    const bad = (await store.get("nas", "2").catch((e: unknown) => e)) as Error;
    expect(bad).toBeInstanceOf(SecretStoreError);
    expect(bad).not.toBeInstanceOf(SecretNotFoundError);
    expect(bad.message).not.toContain("hunter2");
  });
});

describe("ssm secret store against moto_server", async () => {
  let moto: MotoServer | undefined;
  beforeAll(async () => {
    moto = await startMotoServer();
  }, 60_000);
  afterAll(() => moto?.stop());
  let count = 0;

  runSecretStoreContract({
    name: "ssm (moto_server)",
    newStore: () => {
      if (!moto) throw new Error("moto_server is not installed on this machine");
      return {
        store: createSsmSecretStore({ client: newClient(moto), path: `/syncron/moto${++count}/drives` }),
      };
    },
  });

  it("stores the value as an encrypted SecureString", async () => {
    if (!moto) throw new Error("moto_server is not installed on this machine");
    const client = newClient(moto);
    await createSsmSecretStore({ client, path: "/syncron/raw/drives" }).put("nas", { password: "pw" });
    const raw = await client.send(new GetParameterCommand({ Name: "/syncron/raw/drives/nas" }));
    expect(raw.Parameter?.Type).toBe("SecureString");
    expect(raw.Parameter?.Value).not.toBe('{"password":"pw"}'); // read without decryption
  });
});
