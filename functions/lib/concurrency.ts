// Running independent async work a few at a time (models of one wave, audits), with the results in order.

/**
 * `task` over every item, at most `limit` at once; the results in the items' order. After a failure no new item
 * starts: the ones running finish (nothing keeps working once the caller has its answer), then it rejects with the
 * first failure.
 */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next;
      next += 1;
      try {
        results[index] = await task(items[index] as T, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const outcomes = await Promise.allSettled(
    Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker),
  );
  const failure = outcomes.find((outcome) => outcome.status === "rejected");
  if (failure) throw failure.reason;
  return results;
}

export type TaskResults<Tasks extends Record<string, () => Promise<unknown>>> = {
  [Name in keyof Tasks]: Awaited<ReturnType<Tasks[Name]>>;
};

/**
 * Named independent tasks (a report's queries), at most `limit` at once, each result under its task's name. On
 * BigQuery every query is a job with its own latency, so reading a report's dozen marts one after another costs a
 * dozen latencies; at `parallelReads` at once it costs a few.
 */
export async function allLimited<Tasks extends Record<string, () => Promise<unknown>>>(
  limit: number,
  tasks: Tasks,
): Promise<TaskResults<Tasks>> {
  const entries = Object.entries(tasks);
  const results = await mapLimited(entries, limit, ([, task]) => task());
  return Object.fromEntries(entries.map(([name], index) => [name, results[index]])) as TaskResults<Tasks>;
}
