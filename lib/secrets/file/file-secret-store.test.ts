import { chmod, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runSecretStoreContract } from "../../../test/support/secrets/secret-store-contract.ts";
import { tempDir } from "../../../test/support/temp-dir.ts";
import { SecretStoreError } from "../secret-store.ts";
import { createFileSecretStore, SECRET_FILE_NAME } from "./file-secret-store.ts";

runSecretStoreContract({
  name: "file",
  newStore: async () => ({ store: createFileSecretStore({ path: join(await tempDir(), SECRET_FILE_NAME) }) }),
});

describe("file secret store", () => {
  it("writes the file with mode 0600 and leaves no temporary file", async () => {
    const dir = await tempDir();
    const store = createFileSecretStore({ path: join(dir, SECRET_FILE_NAME) });
    await Promise.all([store.put("a", { password: "pa" }), store.put("b", { password: "pb" })]);
    expect((await stat(join(dir, SECRET_FILE_NAME))).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual([SECRET_FILE_NAME]);
    expect(JSON.parse(await readFile(join(dir, SECRET_FILE_NAME), "utf8")).drives.b.versions["1"]).toEqual({
      password: "pb",
    });
  });

  it("refuses a secret file others can read, and does not quote a broken one", async () => {
    const dir = await tempDir();
    const path = join(dir, SECRET_FILE_NAME);
    const store = createFileSecretStore({ path });
    const version = await store.put("nas", { password: "pw" });
    await chmod(path, 0o644);
    await expect(store.get("nas", version)).rejects.toThrow(/readable by others \(mode 644\): chmod 600/);
    await writeFile(path, "not json password=hunter2", { mode: 0o600 });
    await chmod(path, 0o600);
    const error = (await store.get("nas", version).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(SecretStoreError);
    expect(error.message).not.toContain("hunter2");
  });
});
