import { api, FINISHED, type Page, type Run } from "../api.ts";
import { useUi } from "../context.ts";
import { useLoad } from "../load.ts";
import { Failure, Loading, Status } from "./common.tsx";
import { type Item, ItemsTable } from "./items-table.tsx";

const count = (run: Run, key: string): number => Number(run.result?.[key] ?? 0);

/**
 * A preview's outcome (POST /api/v1/sync-configs/preview): polls its run until it ends, then shows
 * how many files it would copy, update and delete, and the first page of them (status planned).
 */
export function PreviewPanel({ taskId }: { taskId: string }) {
  const { t } = useUi();
  const task = `/api/v1/task/scheduler/task-result/${encodeURIComponent(taskId)}`;
  const run = useLoad(() => api<Run>("GET", task), [taskId], {
    everyMs: 1000,
    keepPolling: (value) => !FINISHED.has(value.status),
  });
  const finished = run.data !== undefined && FINISHED.has(run.data.status);
  const items = useLoad(
    () => (finished ? api<Page<Item>>("GET", `${task}/items?limit=100`) : Promise.resolve(undefined)),
    [taskId, finished],
  );
  return (
    <section class="preview" aria-labelledby="preview-title" aria-live="polite">
      <h2 id="preview-title">{t("previewTitle")}</h2>
      {run.error && <Failure error={run.error} onRetry={run.reload} />}
      {run.data && !finished && <Loading>{t("previewRunning")}</Loading>}
      {run.data && finished && (
        <>
          <dl class="facts">
            <dt>{t("status")}</dt>
            <dd>
              <Status status={run.data.status} />
            </dd>
            <dt>{t("wouldCopy")}</dt>
            <dd>{count(run.data, "copied")}</dd>
            <dt>{t("wouldUpdate")}</dt>
            <dd>{count(run.data, "updated")}</dd>
            <dt>{t("wouldDelete")}</dt>
            <dd>{count(run.data, "deleted")}</dd>
          </dl>
          {run.data.error && <p class="field-error">{run.data.error.message}</p>}
        </>
      )}
      {items.error && <Failure error={items.error} onRetry={items.reload} />}
      {items.data?.items.length === 0 && run.data?.status === "SUCCESS" && <p>{t("previewNothing")}</p>}
      {items.data && items.data.items.length > 0 && (
        <ItemsTable items={items.data.items} label={t("previewTitle")} />
      )}
      {items.data?.next_cursor && <p class="muted">{t("previewMore")}</p>}
    </section>
  );
}
