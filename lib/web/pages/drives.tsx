import { useState } from "preact/hooks";
import { ApiFailure, api, type Page } from "../api.ts";
import { useUi } from "../context.ts";
import { useLoad } from "../load.ts";
import { Failure, Loading } from "./common.tsx";

type Drive = { name: string; type: string } & Record<string, unknown>;
const TYPES = ["local", "s3", "webdav", "openlist"] as const;

const parseJson = (text: string, field: string): Record<string, unknown> => {
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new ApiFailure(400, "BAD_JSON", `${field}: not valid JSON`);
  }
};

/** Drives: list, add (secrets are sent, never shown), check. */
export function DrivesPage() {
  const { t } = useUi();
  const drives = useLoad(
    () =>
      api<Page<Drive> | null>("GET", "/api/v1/drives").catch((error: ApiFailure) => {
        if (error.status === 404 && error.code === "ROUTE_NOT_FOUND") return null;
        throw error;
      }),
    [],
  );
  const [form, setForm] = useState({ name: "", type: "local", settings: "", secrets: "" });
  const [failure, setFailure] = useState<Error>();
  const [notice, setNotice] = useState<string>();

  const add = async (event: Event) => {
    event.preventDefault();
    setFailure(undefined);
    try {
      // Settings and secrets are fields of the drive itself; secrets are sent, never shown again.
      await api("POST", "/api/v1/drives", {
        ...parseJson(form.settings, t("settings")),
        ...parseJson(form.secrets, t("secrets")),
        name: form.name,
        type: form.type,
      });
      setForm({ name: "", type: form.type, settings: "", secrets: "" });
      drives.reload();
    } catch (error) {
      setFailure(error as Error);
    }
  };
  const check = async (name: string) => {
    setFailure(undefined);
    try {
      const result = await api<{ ok: boolean; error?: { code: string; message: string } }>(
        "POST",
        `/api/v1/drives/${encodeURIComponent(name)}/check`,
      );
      setNotice(
        result.ok ? `${name}: ${t("checkOk")}` : `${name}: ${result.error?.code} ${result.error?.message}`,
      );
    } catch (error) {
      setFailure(error as Error);
    }
  };

  return (
    <section aria-labelledby="drives-title">
      <h1 id="drives-title">{t("drivesTitle")}</h1>
      <p role="status" class="notice">
        {notice}
      </p>
      {failure && <Failure error={failure} />}
      {drives.error && <Failure error={drives.error} onRetry={drives.reload} />}
      {drives.data === undefined && !drives.error && <Loading />}
      {drives.data === null && <p>{t("drivesUnavailable")}</p>}
      {drives.data && (
        <>
          {drives.data.items.length === 0 ? (
            <p>{t("none")}</p>
          ) : (
            <ul class="drives">
              {drives.data.items.map((drive) => (
                <li key={drive.name}>
                  <strong>{drive.name}</strong> <code>{drive.type}</code>{" "}
                  {Array.isArray(drive.secrets_set) && drive.secrets_set.length > 0 && (
                    <span class="muted">({(drive.secrets_set as string[]).join(", ")}: ***)</span>
                  )}{" "}
                  <button
                    type="button"
                    aria-label={`${t("check")}: ${drive.name}`}
                    onClick={() => check(drive.name)}
                  >
                    {t("check")}
                  </button>
                </li>
              ))}
            </ul>
          )}
          <h2>{t("addDrive")}</h2>
          <form onSubmit={add}>
            <div class="field">
              <label for="d-name">{t("name")}</label>
              <input
                id="d-name"
                required
                value={form.name}
                onInput={(e) => setForm({ ...form, name: e.currentTarget.value })}
              />
            </div>
            <div class="field">
              <label for="d-type">{t("type")}</label>
              <select
                id="d-type"
                value={form.type}
                onChange={(e) => setForm({ ...form, type: e.currentTarget.value })}
              >
                {TYPES.map((type) => (
                  <option key={type} value={type}>
                    {type}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="d-settings">{t("settings")}</label>
              <textarea
                id="d-settings"
                rows={3}
                spellcheck={false}
                value={form.settings}
                onInput={(e) => setForm({ ...form, settings: e.currentTarget.value })}
              />
            </div>
            <div class="field">
              <label for="d-secrets">{t("secrets")}</label>
              <textarea
                id="d-secrets"
                rows={2}
                spellcheck={false}
                autocomplete="off"
                value={form.secrets}
                onInput={(e) => setForm({ ...form, secrets: e.currentTarget.value })}
              />
            </div>
            <button type="submit">{t("addDrive")}</button>
          </form>
        </>
      )}
    </section>
  );
}
