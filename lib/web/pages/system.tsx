import { api } from "../api.ts";
import { useUi } from "../context.ts";
import { useLoad } from "../load.ts";
import { Failure, Loading } from "./common.tsx";

interface TaskStatus {
  backend: string;
  schedules: {
    config_id: string;
    name: string;
    expression: string;
    timezone: string;
    state: string;
    next_run: string | null;
  }[];
  queue: {
    messages_available: number;
    messages_in_flight: number;
    messages_delayed: number;
    dead_letter: number | null;
  };
}

export function SystemPage() {
  const { t, when } = useUi();
  const status = useLoad(() => api<TaskStatus>("GET", "/api/v1/task/scheduler/task-status"), [], {
    everyMs: 5000,
  });
  const data = status.data;
  return (
    <section aria-labelledby="system-title">
      <h1 id="system-title">{t("systemTitle")}</h1>
      {status.error && <Failure error={status.error} onRetry={status.reload} />}
      {!data && !status.error && <Loading />}
      {data && (
        <>
          <dl class="facts">
            <dt>{t("backend")}</dt>
            <dd>
              <code>{data.backend}</code>
            </dd>
          </dl>
          <h2>{t("queue")}</h2>
          <dl class="facts">
            <dt>{t("available")}</dt>
            <dd>{data.queue.messages_available}</dd>
            <dt>{t("inFlight")}</dt>
            <dd>{data.queue.messages_in_flight}</dd>
            <dt>{t("delayed")}</dt>
            <dd>{data.queue.messages_delayed}</dd>
            <dt>{t("deadLetter")}</dt>
            <dd>{data.queue.dead_letter ?? "—"}</dd>
          </dl>
          <h2>{t("schedules")}</h2>
          {data.schedules.length === 0 ? (
            <p>{t("none")}</p>
          ) : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t("name")}</th>
                    <th scope="col">{t("cron")}</th>
                    <th scope="col">{t("status")}</th>
                    <th scope="col">{t("nextRun")}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.schedules.map((schedule) => (
                    <tr key={schedule.name}>
                      <td data-label={t("name")}>
                        <code>{schedule.name}</code>
                      </td>
                      <td data-label={t("cron")}>
                        <code>{schedule.expression}</code> ({schedule.timezone})
                      </td>
                      <td data-label={t("status")}>{schedule.state}</td>
                      <td data-label={t("nextRun")}>{when(schedule.next_run)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
