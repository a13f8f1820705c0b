// Running async work a few at a time: independent items (audits, extracts) with the results in order, or items that
// depend on one another (models) each after those it depends on.

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

/**
 * `task` over every item, each once the items it depends on (among `items`; any other dependency is not waited
 * for) have finished, at most `limit` at once. Of the items ready together, the one with the longest chain of
 * items waiting on it starts first (ties in the items' order): in a transform, the staged orders before the
 * ad platforms' models, so that the chain of models built on them never waits for a model nothing needs yet.
 * Unlike waves (every item of a wave waits for the slowest of the wave before), an item starts the moment the
 * last one it reads is done. After a failure no new item starts: the ones running finish, then it rejects with
 * the first failure. Throws before starting any when the dependencies form a cycle, naming its items.
 */
export async function mapInDependencyOrder<T>(
  items: readonly T[],
  limit: number,
  dependenciesOf: (item: T) => readonly T[],
  task: (item: T) => Promise<void>,
  name: (item: T) => string = String,
): Promise<void> {
  const among = new Set(items);
  const waitingOn = new Map(
    items.map((item) => [item, new Set(dependenciesOf(item).filter((dependency) => among.has(dependency)))]),
  );
  const dependents = new Map<T, T[]>(items.map((item) => [item, []]));
  for (const [item, dependencies] of waitingOn)
    for (const dependency of dependencies) dependents.get(dependency)?.push(item);
  const chain = chainLengths(items, dependents, name);
  const position = new Map(items.map((item, index) => [item, index]));
  const byPriority = (a: T, b: T) =>
    (chain.get(b) ?? 0) - (chain.get(a) ?? 0) || (position.get(a) ?? 0) - (position.get(b) ?? 0);
  const ready = items.filter((item) => waitingOn.get(item)?.size === 0).sort(byPriority);
  let running = 0;
  let failure: { error: unknown } | undefined;
  await new Promise<void>((resolve) => {
    const startReady = () => {
      while (!failure && running < Math.max(1, limit) && ready.length > 0) {
        const item = ready.shift() as T;
        running += 1;
        task(item).then(
          () => {
            running -= 1;
            for (const dependent of dependents.get(item) ?? []) {
              const waiting = waitingOn.get(dependent);
              waiting?.delete(item);
              if (waiting?.size === 0) ready.push(dependent);
            }
            ready.sort(byPriority);
            startReady();
          },
          (error: unknown) => {
            running -= 1;
            failure ??= { error };
            startReady();
          },
        );
      }
      if (running === 0) resolve();
    };
    startReady();
  });
  if (failure) throw failure.error;
}

/**
 * Pure: for each item, how many items long the longest chain from it through the items that depend on it is (1
 * for an item nothing waits on). Throws on a cycle, naming the items in it.
 */
function chainLengths<T>(
  items: readonly T[],
  dependents: Map<T, T[]>,
  name: (item: T) => string,
): Map<T, number> {
  const lengths = new Map<T, number>();
  const visiting = new Set<T>();
  const lengthOf = (item: T): number => {
    const known = lengths.get(item);
    if (known !== undefined) return known;
    if (visiting.has(item)) {
      const cycle = [...visiting]
        .slice([...visiting].indexOf(item))
        .map(name)
        .sort();
      throw new Error(`the dependencies form a cycle among ${cycle.join(", ")}`);
    }
    visiting.add(item);
    const length = 1 + Math.max(0, ...(dependents.get(item) ?? []).map(lengthOf));
    visiting.delete(item);
    lengths.set(item, length);
    return length;
  };
  for (const item of items) lengthOf(item);
  return lengths;
}
