import type { TargetedEvent } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiFailure, api, type Config, type CronReport } from "../api.ts";
import { useUi } from "../context.ts";
import type { MessageKey } from "../i18n.ts";
import { href } from "../route.ts";
import { Failure, Loading } from "./common.tsx";
import { FolderPicker } from "./folder-picker.tsx";
import { PreviewPanel } from "./preview-panel.tsx";

const MODES = ["copy", "mirror", "overwrite"] as const;
const FIELDS = ["name", "source", "target", "cron", "timezone", "mode", "tps"] as const;
type Field = (typeof FIELDS)[number];
type Values = Record<Field, string>;

const LABELS: Record<Field, MessageKey> = {
  name: "name",
  source: "source",
  target: "target",
  cron: "cron",
  timezone: "timezone",
  mode: "mode",
  tps: "tps",
};

/**
 * The tps box as the API takes it: empty is null (no limit of the config's own), a number a number,
 * anything else as typed, for the API's schema to refuse under the field.
 */
const tpsValue = (text: string): number | string | null =>
  text.trim() === "" ? null : Number.isFinite(Number(text)) ? Number(text) : text;

/** The form's values as a body of the config routes. */
const bodyOf = (values: Values) => ({ ...values, tps: tpsValue(values.tps) });

const viewerZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
const zones = (): string[] => {
  try {
    return ["UTC", ...Intl.supportedValuesOf("timeZone")];
  } catch {
    return ["UTC"];
  }
};

/** What a config keeps that the form does not edit; a preview of an edit runs with them too. */
const KEPT = ["compare", "include", "exclude", "max_delete", "end_time"] as const;

/** validate-cron as you type: the error goes under Cron (or Time zone when it is about the zone). */
function useCronCheck(cron: string, timezone: string) {
  const { language } = useUi();
  const [report, setReport] = useState<CronReport>();
  useEffect(() => {
    if (cron.trim() === "") {
      setReport(undefined);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      api<CronReport>("POST", "/api/v1/task/scheduler/validate-cron", {
        expression: cron,
        timezone: timezone || "UTC",
        count: 5,
        locale: language,
      }).then(
        (value) => live && setReport(value),
        (error: Error) => live && setReport({ valid: false, error: error.message }),
      );
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [cron, timezone, language]);
  return report;
}

export function ConfigForm({ id }: { id?: string }) {
  const { t, when } = useUi();
  const [values, setValues] = useState<Values | undefined>(
    id
      ? undefined
      : { name: "", source: "", target: "", cron: "", timezone: viewerZone(), mode: "copy", tps: "" },
  );
  const [loadError, setLoadError] = useState<Error>();
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [failure, setFailure] = useState<Error>();
  const [saving, setSaving] = useState(false);
  const [kept, setKept] = useState<Record<string, unknown>>({});
  const [previewTask, setPreviewTask] = useState<string>();
  const cron = useCronCheck(values?.cron ?? "", values?.timezone ?? "UTC");

  useEffect(() => {
    if (!id) return;
    api<Config>("GET", `/api/v1/sync-configs/${encodeURIComponent(id)}`).then((config) => {
      setValues({
        name: config.name,
        source: config.source,
        target: config.target,
        cron: config.cron,
        timezone: config.timezone,
        mode: config.mode,
        tps: config.tps === null ? "" : String(config.tps),
      });
      const stored = config as unknown as Record<string, unknown>;
      setKept(Object.fromEntries(KEPT.filter((key) => key in stored).map((key) => [key, stored[key]])));
    }, setLoadError);
  }, [id]);

  if (loadError) return <Failure error={loadError} />;
  if (!values) return <Loading />;

  const cronError = cron && !cron.valid ? cron.error : undefined;
  const zoneProblem = cronError !== undefined && /time ?zone/i.test(cronError);
  const shown: Partial<Record<Field, string>> = {
    ...errors,
    ...(cronError ? (zoneProblem ? { timezone: cronError } : { cron: cronError }) : {}),
  };
  const set = (field: Field) => (event: TargetedEvent<HTMLInputElement | HTMLSelectElement>) => {
    const value = event.currentTarget.value;
    setValues((old) => (old ? { ...old, [field]: value } : old));
    setErrors((old) => ({ ...old, [field]: undefined }));
  };

  /** A refusal's field errors go under their fields; anything else above the buttons. */
  const showFailure = (error: unknown) => {
    if (error instanceof ApiFailure && error.issues.length > 0) {
      const found: Partial<Record<Field, string>> = {};
      for (const issue of error.issues) {
        const field = FIELDS.find((f) => issue.path === f || issue.path.startsWith(`${f}.`));
        if (field) found[field] = issue.message;
      }
      setErrors(found);
      if (Object.keys(found).length < error.issues.length) setFailure(error);
    } else {
      setFailure(error as Error);
    }
  };

  const save = async (event: Event) => {
    event.preventDefault();
    setFailure(undefined);
    setSaving(true);
    try {
      const body = bodyOf(values);
      if (id) await api("PATCH", `/api/v1/sync-configs/${encodeURIComponent(id)}`, body);
      else await api("POST", "/api/v1/sync-configs", body);
      location.hash = href("configs");
    } catch (error) {
      showFailure(error);
    } finally {
      setSaving(false);
    }
  };

  /** A dry run of the form as it is now, saved or not, enabled or not. */
  const preview = async () => {
    setFailure(undefined);
    setPreviewTask(undefined);
    try {
      const queued = await api<{ task_id: string }>("POST", "/api/v1/sync-configs/preview", {
        ...kept,
        ...bodyOf(values),
      });
      setPreviewTask(queued.task_id);
    } catch (error) {
      showFailure(error);
    }
  };

  const input = (
    field: Field,
    extra: {
      required?: boolean;
      placeholder?: string;
      list?: string;
      spellcheck?: boolean;
      inputMode?: "decimal";
    } = {},
  ) => (
    <div class="field">
      <label for={`f-${field}`}>{t(LABELS[field])}</label>
      <input
        type="text"
        id={`f-${field}`}
        name={field}
        value={values[field]}
        onInput={set(field)}
        aria-invalid={shown[field] ? "true" : undefined}
        aria-describedby={shown[field] ? `e-${field}` : undefined}
        autocomplete="off"
        {...extra}
      />
      {shown[field] && (
        <p id={`e-${field}`} class="field-error">
          {shown[field]}
        </p>
      )}
    </div>
  );

  return (
    <section aria-labelledby="form-title">
      <h1 id="form-title">{id ? t("editConfig") : t("newConfig")}</h1>
      <form onSubmit={save} noValidate>
        {input("name", { required: true })}
        {input("source", { required: true, placeholder: "/data/photos, s3://bucket/prefix, drive:path" })}
        {input("target", { required: true })}
        <FolderPicker
          onPick={(field, location) => {
            setValues((old) => (old ? { ...old, [field]: location } : old));
            setErrors((old) => ({ ...old, [field]: undefined }));
          }}
        />
        {input("cron", { required: true, placeholder: "0 2 * * *", spellcheck: false })}
        <p class="muted hint">{t("cronHint")}</p>
        {input("timezone", { list: "zones", required: true })}
        <datalist id="zones">
          {zones().map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
        <div class="field">
          <label for="f-mode">{t("mode")}</label>
          <select id="f-mode" name="mode" value={values.mode} onChange={set("mode")}>
            {MODES.map((mode) => (
              <option key={mode} value={mode}>
                {mode}
              </option>
            ))}
          </select>
          {shown.mode && <p class="field-error">{shown.mode}</p>}
        </div>
        {input("tps", { inputMode: "decimal", placeholder: t("tpsNone") })}
        <p class="muted hint">{t("tpsHint")}</p>
        {cron?.valid && (
          <div class="preview" aria-live="polite">
            <p>{cron.description}</p>
            <h2>{t("nextRuns")}</h2>
            <ol aria-label={t("nextRuns")}>
              {cron.next_runs.map((run) => (
                <li key={run}>
                  <time dateTime={run}>{when(run)}</time>
                </li>
              ))}
            </ol>
          </div>
        )}
        {failure && <Failure error={failure} />}
        {previewTask && <PreviewPanel key={previewTask} taskId={previewTask} />}
        <div class="buttons">
          <button type="submit" disabled={saving}>
            {t("save")}
          </button>
          <button type="button" class="secondary" onClick={preview}>
            {t("preview")}
          </button>
          <a class="button secondary" href={href("configs")}>
            {t("cancel")}
          </a>
        </div>
      </form>
    </section>
  );
}
