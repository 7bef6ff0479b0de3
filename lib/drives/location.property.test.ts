import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runs } from "../../test/support/properties.ts";
import { LocationError, parseLocation, redactLocation } from "./location.ts";

/**
 * Hostile secrets: the characters URL parsing trips on (`/ ? # @ : & = %` …) around letters that
 * appear nowhere else in the locations below nor in any LocationError message, so a leak of even
 * one character of a secret is seen.
 */
const MARK = /[QVXZJ]/;
const secret = fc
  .string({
    unit: fc.constantFrom(..."QVXZJ/?#@:&=%+ !$'()*;,[]~\\\"<>^`{|}".split("")),
    minLength: 1,
    maxLength: 24,
  })
  .filter((text) => MARK.test(text));
const user = fc.stringMatching(/^[a-z]{1,8}$/);

/** Locations as users write them: secrets raw in the user-info (unencoded), or encoded in a query. */
const hostileLocation = fc.oneof(
  fc.tuple(user, secret).map(([name, pass]) => `webdav://${name}:${pass}@host.example/dir/sub?vendor=other`),
  fc.tuple(user, secret).map(([name, pass]) => `webdavs://${name}:${pass}@host.example`),
  fc.tuple(secret, secret).map(([key, pass]) => `s3://${key}:${pass}@bucket-x/prefix?region=eu-west`),
  fc
    .tuple(user, secret)
    .map(([name, pass]) => `s3://bucket-x/p?endpoint=https://${name}:${pass}@minio.local`),
  fc.tuple(user, secret).map(([name, pass]) => `webdav://${name}:${encodeURIComponent(pass)}@host.example/x`),
  secret.map((pass) => `webdav://host.example/x?token=${encodeURIComponent(pass)}`),
  secret.map((pass) => `s3://bucket-x/p?secret_access_key=${encodeURIComponent(pass)}`),
);

describe("secrets in locations (property)", () => {
  it("redactLocation shows no character of a secret, whatever the secret holds", () => {
    fc.assert(
      fc.property(hostileLocation, (location) => {
        expect(redactLocation(location)).not.toMatch(MARK);
      }),
      { numRuns: runs(2000) },
    );
  });

  it("parseLocation accepts the location or refuses it with a message that shows no secret", () => {
    fc.assert(
      fc.property(hostileLocation, (location) => {
        try {
          parseLocation(location, "/work");
        } catch (error) {
          expect(error).toBeInstanceOf(LocationError);
          expect((error as Error).message).not.toMatch(MARK);
        }
      }),
      { numRuns: runs(2000) },
    );
  });

  it("an unencoded secret is either read whole as the password or refused, never split into host or path", () => {
    fc.assert(
      fc.property(user, secret, (name, pass) => {
        let parsed: ReturnType<typeof parseLocation>;
        try {
          parsed = parseLocation(`webdav://${name}:${pass}@host.example/dir`, "/work");
        } catch (error) {
          expect(error).toBeInstanceOf(LocationError);
          return;
        }
        expect(parsed).toMatchObject({ kind: "webdav", url: "http://host.example/dir", username: name });
      }),
      { numRuns: runs(2000) },
    );
  });
});
