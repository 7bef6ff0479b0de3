import { useEffect, useState } from "preact/hooks";
import { api, type Config, type CronReport, type Page } from "../api.ts";
import { useUi } from "../context.ts";
import { useLoad } from "../load.ts";
import { href } from "../route.ts";
import { Failure, Loading, Status } from "./common.tsx";

/** The cron's description in the page's language (validate-cron describes it). */
function useDescriptions(configs: readonly Config[] | undefined): Record<string, string> {
  const { language } = useUi();
  const [descriptions, setDescriptions] = useState<Record<string, string>>({});
  const key = configs?.map((c) => `${c.cron}|${c.timezone}`).join(",") ?? "";
  useEffect(() => {
    let live = true;
    const crons = [...new Set(configs?.map((c) => c.cron) ?? [])];
    void Promise.all(
      crons.map(async (expression) => {
        const report = await api<CronReport>("POST", "/api/v1/task/scheduler/validate-cron", {
          expression,
          locale: language,
          count: 1,
        }).catch(() => undefined);
        return [expression, report?.valid ? report.description : ""] as const;
      }),
    ).then((pairs) => live && setDescriptions(Object.fromEntries(pairs)));
    return () => {
      live = false;
    };
  }, [key, language]);
  return descriptions;
}

export function ConfigsPage() {
  const { t, when } = useUi();
  const configs = useLoad(() => api<Page<Config>>("GET", "/api/v1/sync-configs?limit=100"), []);
  const descriptions = useDescriptions(configs.data?.items);
  const [notice, setNotice] = useState<string>();
  const [failure, setFailure] = useState<Error>();

  const act = async (work: () => Promise<unknown>, done?: string) => {
    setFailure(undefined);
    try {
      await work();
      if (done) setNotice(done);
      configs.reload();
    } catch (error) {
      setFailure(error as Error);
    }
  };

  return (
    <section aria-labelledby="configs-title">
      <div class="title-row">
        <h1 id="configs-title">{t("configsTitle")}</h1>
        <a class="button" href={href("configs", "new")}>
          {t("newConfig")}
        </a>
      </div>
      <p role="status" class="notice">
        {notice}
      </p>
      {failure && <Failure error={failure} />}
      {configs.error && <Failure error={configs.error} onRetry={configs.reload} />}
      {!configs.data && !configs.error && <Loading />}
      {configs.data?.items.length === 0 && <p>{t("noConfigs")}</p>}
      {configs.data && configs.data.items.length > 0 && (
        <div class="table-wrap">
          <table class="configs">
            <thead>
              <tr>
                <th scope="col">{t("name")}</th>
                <th scope="col">
                  {t("source")} → {t("target")}
                </th>
                <th scope="col">{t("schedule")}</th>
                <th scope="col">{t("nextRun")}</th>
                <th scope="col">{t("lastRun")}</th>
                <th scope="col">{t("enabled")}</th>
                <th scope="col">{t("actions")}</th>
              </tr>
            </thead>
            <tbody>
              {configs.data.items.map((config) => (
                <tr key={config.id}>
                  <th scope="row" data-label={t("name")}>
                    <a href={href("configs", config.id, "edit")}>{config.name}</a>
                  </th>
                  <td data-label={`${t("source")} → ${t("target")}`} class="locations">
                    <code>{config.source}</code> → <code>{config.target}</code>
                  </td>
                  <td data-label={t("schedule")}>
                    <code>{config.cron}</code>
                    <div class="muted">
                      {descriptions[config.cron]} ({config.timezone})
                    </div>
                  </td>
                  <td data-label={t("nextRun")}>{when(config.next_runs[0])}</td>
                  <td data-label={t("lastRun")}>
                    <Status status={config.last_run?.status} />
                  </td>
                  <td data-label={t("enabled")}>
                    <input
                      type="checkbox"
                      role="switch"
                      aria-checked={config.enabled}
                      aria-label={`${t("enabled")}: ${config.name}`}
                      checked={config.enabled}
                      onChange={() =>
                        act(() =>
                          api("PATCH", `/api/v1/sync-configs/${config.id}`, { enabled: !config.enabled }),
                        )
                      }
                    />
                  </td>
                  <td data-label={t("actions")} class="actions">
                    <button
                      type="button"
                      aria-label={`${t("runNow")}: ${config.name}`}
                      disabled={!config.enabled}
                      onClick={() =>
                        act(async () => {
                          await api("POST", `/api/v1/task/scheduler/execute-sync/${config.id}`);
                          location.hash = href("configs", config.id, "runs");
                        }, t("queued"))
                      }
                    >
                      {t("runNow")}
                    </button>
                    <a href={href("configs", config.id, "runs")} aria-label={`${t("runs")}: ${config.name}`}>
                      {t("runs")}
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
