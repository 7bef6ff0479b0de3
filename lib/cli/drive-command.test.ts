import { describe, expect, it } from "vitest";
import { addBody } from "./drive-command.ts";

/** `drive add NAME ...pairs` answering each question from `answers` in turn; the questions asked. */
async function add(pairs: string[], answers: string[]) {
  const asked: string[] = [];
  const body = await addBody("d", pairs, async (question) => {
    asked.push(question.replace(/ for drive d \(empty: none\): $/, ""));
    return answers.shift() ?? "";
  });
  return { asked, body };
}

describe("syncron drive add: secrets asked for, never needed on the command line", () => {
  it.each([
    [
      "webdav: its password",
      ["type=webdav", "url=http://h/dav", "username=u"],
      ["pw"],
      ["password"],
      { password: "pw" },
    ],
    ["webdav: an empty answer is no password", ["type=webdav", "url=http://h/dav"], [""], ["password"], {}],
    [
      "s3: both keys",
      ["type=s3", "bucket=b"],
      ["AKIA1", "sk1"],
      ["access_key_id", "secret_access_key"],
      { access_key_id: "AKIA1", secret_access_key: "sk1" },
    ],
    [
      "s3: no key id, so the worker's role and no second question",
      ["type=s3", "bucket=b"],
      [""],
      ["access_key_id"],
      {},
    ],
    [
      "s3: the secret key of a key id given",
      ["type=s3", "bucket=b", "access_key_id=AKIA2"],
      ["sk2"],
      ["secret_access_key"],
      { access_key_id: "AKIA2", secret_access_key: "sk2" },
    ],
    [
      "openlist: the password of a login, and then no token",
      ["type=openlist", "url=http://h", "username=admin"],
      ["olpw"],
      ["password"],
      { password: "olpw" },
    ],
    [
      "openlist: a token when there is no password",
      ["type=openlist", "url=http://h"],
      ["", "oltok"],
      ["password", "token"],
      { token: "oltok" },
    ],
  ])("%s", async (_, pairs, answers, questions, secrets) => {
    const { asked, body } = await add(pairs, answers);
    expect(asked).toEqual(questions);
    for (const field of ["password", "token", "access_key_id", "secret_access_key"]) {
      expect(body[field], field).toBe((secrets as Record<string, string>)[field]);
    }
  });

  it("asks nothing when the secrets are given or the type has none", async () => {
    expect((await add(["type=openlist", "url=http://h", "token=t"], [])).asked).toEqual([]);
    expect((await add(["type=webdav", "url=http://h", "password=p"], [])).asked).toEqual([]);
    expect((await add(["type=local", "root=/srv"], [])).asked).toEqual([]);
  });

  it("reads a value as its field takes it: numbers and booleans where the field wants them, else text", async () => {
    const { body } = await add(
      ["type=openlist", "url=http://h", "username=123", "tps=2.5", "keeps_mod_times=true", "token=t"],
      [],
    );
    expect(body).toEqual({
      name: "d",
      type: "openlist",
      url: "http://h",
      username: "123",
      tps: 2.5,
      keeps_mod_times: true,
      token: "t",
    });
  });

  it("names every drive type when the type is missing or unknown", async () => {
    await expect(add(["type=ftp"], [])).rejects.toThrow(
      "give type=s3, type=webdav, type=local, type=openlist",
    );
  });
});
