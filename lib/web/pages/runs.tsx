import { api, type Config, FINISHED, type Page, type Run } from "../api.ts";
import { useUi } from "../context.ts";
import { useLoad } from "../load.ts";
import { href } from "../route.ts";
import { bytes, Failure, Loading, Status } from "./common.tsx";
import { type Item, ItemsTable } from "./items-table.tsx";
import { RunActions } from "./run-actions.tsx";

function ProgressBar({ run }: { run: Run }) {
  const { t } = useUi();
  const { files_done, files_planned, bytes_done, bytes_planned } = run.progress;
  const label = `${files_done} / ${files_planned} ${t("files")}, ${bytes(bytes_done)} / ${bytes(bytes_planned)}`;
  if (FINISHED.has(run.status)) return <span>{label}</span>;
  return (
    <span class="progress">
      <progress
        aria-label={`${t("progress")}: ${run.task_id}`}
        max={bytes_planned || files_planned || 1}
        value={bytes_planned ? bytes_done : files_done}
      />{" "}
      {label}
    </span>
  );
}

const configPath = (id: string) => `/api/v1/sync-configs/${encodeURIComponent(id)}`;

export function RunsPage({ configId }: { configId: string }) {
  const { t, when } = useUi();
  const config = useLoad(() => api<Config>("GET", configPath(configId)), [configId]);
  const runs = useLoad(() => api<Page<Run>>("GET", `${configPath(configId)}/runs?limit=50`), [configId], {
    everyMs: 1000,
    keepPolling: (page) => page.items.some((run) => !FINISHED.has(run.status)),
  });
  return (
    <section aria-labelledby="runs-title">
      <p>
        <a href={href("configs")}>← {t("back")}</a>
      </p>
      <h1 id="runs-title">
        {t("runsTitle")}: {config.data?.name ?? configId}
      </h1>
      {runs.error && <Failure error={runs.error} onRetry={runs.reload} />}
      {!runs.data && !runs.error && <Loading />}
      {runs.data?.items.length === 0 && <p>{t("noRuns")}</p>}
      {runs.data && runs.data.items.length > 0 && (
        <div class="table-wrap">
          <table class="runs">
            <thead>
              <tr>
                <th scope="col">{t("status")}</th>
                <th scope="col">{t("trigger")}</th>
                <th scope="col">{t("created")}</th>
                <th scope="col">{t("finished")}</th>
                <th scope="col">{t("progress")}</th>
                <th scope="col">{t("details")}</th>
                <th scope="col">{t("actions")}</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.items.map((run) => (
                <tr key={run.task_id}>
                  <td data-label={t("status")}>
                    <Status status={run.status} />
                    {run.error && <div class="field-error">{run.error.message}</div>}
                  </td>
                  <td data-label={t("trigger")}>{run.trigger}</td>
                  <td data-label={t("created")}>{when(run.created_at)}</td>
                  <td data-label={t("finished")}>{when(run.finished_at)}</td>
                  <td data-label={t("progress")}>
                    <ProgressBar run={run} />
                  </td>
                  <td data-label={t("details")}>
                    <a
                      href={href("configs", configId, "runs", run.task_id)}
                      aria-label={`${t("details")}: ${run.task_id}`}
                    >
                      {t("items")}
                    </a>
                  </td>
                  <td data-label={t("actions")}>
                    <RunActions run={run} onDone={runs.reload} />
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

/** One run: its status and progress, and the per-file items where the API offers them. */
export function RunPage({ configId, taskId }: { configId: string; taskId: string }) {
  const { t, when } = useUi();
  const task = `/api/v1/task/scheduler/task-result/${encodeURIComponent(taskId)}`;
  const run = useLoad(() => api<Run>("GET", task), [taskId], {
    everyMs: 1000,
    keepPolling: (value) => !FINISHED.has(value.status),
  });
  const finished = run.data !== undefined && FINISHED.has(run.data.status);
  const items = useLoad(
    () =>
      api<Page<Item> | null>("GET", `${task}/items?limit=100`).catch(
        (error: { status?: number; code?: string }) => {
          if (error.status === 404 && error.code === "ROUTE_NOT_FOUND") return null;
          throw error;
        },
      ),
    [taskId, finished],
  );
  return (
    <section aria-labelledby="run-title">
      <p>
        <a href={href("configs", configId, "runs")}>← {t("back")}</a>
      </p>
      <h1 id="run-title">
        {t("runsTitle")}: <code>{taskId}</code>
      </h1>
      {run.error && <Failure error={run.error} onRetry={run.reload} />}
      {run.data && (
        <dl class="facts">
          <dt>{t("status")}</dt>
          <dd>
            <Status status={run.data.status} />
          </dd>
          <dt>{t("started")}</dt>
          <dd>{when(run.data.started_at)}</dd>
          <dt>{t("finished")}</dt>
          <dd>{when(run.data.finished_at)}</dd>
          <dt>{t("progress")}</dt>
          <dd>
            <ProgressBar run={run.data} />
          </dd>
          {run.data.error && (
            <>
              <dt>{t("error")}</dt>
              <dd class="field-error">{run.data.error.message}</dd>
            </>
          )}
        </dl>
      )}
      {run.data && (
        <RunActions
          run={run.data}
          onDone={(reply) => {
            // A retry is a new run: show it; a cancel changes this one.
            if ("retry_of" in reply) location.hash = href("configs", configId, "runs", reply.task_id);
            else run.reload();
          }}
        />
      )}
      <h2>{t("items")}</h2>
      {items.error && <Failure error={items.error} onRetry={items.reload} />}
      {items.data === null && <p>{t("itemsUnavailable")}</p>}
      {items.data && <ItemsTable items={items.data.items} />}
    </section>
  );
}
