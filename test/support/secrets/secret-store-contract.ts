import { afterEach, describe, expect, it } from "vitest";
import {
  SecretNotFoundError,
  type SecretStore,
  SecretStoreError,
} from "../../../lib/secrets/secret-store.ts";

export interface SecretStoreUnderTest {
  readonly store: SecretStore;
  close?(): Promise<void> | void;
}

export interface SecretStoreContractOptions {
  readonly name: string;
  /** A fresh, empty store. */
  newStore(): Promise<SecretStoreUnderTest> | SecretStoreUnderTest;
}

const SECRET = "s3cr3t-contract-Zq9!\"quote'€";

/** The behaviour every SecretStore adapter must show; run once per adapter. */
export function runSecretStoreContract(options: SecretStoreContractOptions): void {
  describe(`SecretStore contract: ${options.name}`, () => {
    let current: SecretStoreUnderTest | undefined;
    const open = async () => {
      current = await options.newStore();
      return current.store;
    };
    afterEach(async () => {
      await current?.close?.();
      current = undefined;
    });

    it("reads back what put wrote, at the version put returned", async () => {
      const store = await open();
      const version = await store.put("nas", { password: SECRET, username: "alice" });
      expect(version).toMatch(/^\S+$/);
      expect(await store.get("nas", version)).toEqual({ password: SECRET, username: "alice" });
    });

    it("gives a rotation a new version and still reads the previous one", async () => {
      const store = await open();
      const first = await store.put("nas", { password: "old-pass" });
      const second = await store.put("nas", { password: "new-pass" });
      expect(second).not.toBe(first);
      expect(await store.get("nas", second)).toEqual({ password: "new-pass" });
      expect(await store.get("nas", first)).toEqual({ password: "old-pass" });
    });

    it("keeps drives apart", async () => {
      const store = await open();
      const a = await store.put("a", { password: "pa" });
      const b = await store.put("b", { password: "pb" });
      expect(await store.get("a", a)).toEqual({ password: "pa" });
      expect(await store.get("b", b)).toEqual({ password: "pb" });
      await store.delete("a");
      expect(await store.get("b", b)).toEqual({ password: "pb" });
    });

    it("throws SecretNotFoundError for an unknown drive or version, naming the drive and no secret", async () => {
      const store = await open();
      await expect(store.get("nothing", "1")).rejects.toBeInstanceOf(SecretNotFoundError);
      const version = await store.put("nas", { password: SECRET });
      const error = await store.get("nas", `${Number(version) + 50}`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SecretNotFoundError);
      expect((error as Error).message).toContain("nas");
      expect((error as Error).message).not.toContain(SECRET);
    });

    it("deletes every version, and deleting twice does not fail", async () => {
      const store = await open();
      const first = await store.put("nas", { password: "one" });
      const second = await store.put("nas", { password: "two" });
      await store.delete("nas");
      await expect(store.get("nas", second)).rejects.toBeInstanceOf(SecretNotFoundError);
      await expect(store.get("nas", first)).rejects.toBeInstanceOf(SecretNotFoundError);
      await store.delete("nas");
    });

    it("refuses a name that is not a drive name, before any call", async () => {
      const store = await open();
      for (const name of ["../etc", "Nas", "-x", "a/b", ""]) {
        await expect(store.put(name, { password: "x" })).rejects.toBeInstanceOf(SecretStoreError);
        await expect(store.get(name, "1")).rejects.toBeInstanceOf(SecretStoreError);
      }
    });
  });
}
