// The alerts as a founder reads them at 7 am: grouped per source ("Meta: no data since Mon 16 Nov and attribution
// broken — reconnect the Meta source in Airbyte"), each group with what to do and how long it has been going on.
// The full finding messages stay in the email's alert details further down. Pure.
import { type AlertMemory, alertKey, type AlertMemories } from "../lib/quality/alert-memory.ts";
import { possessive, sourceDisplayName } from "../lib/reporting/completeness.ts";
import { formatDayMonth, formatWeekdayDate } from "../lib/reporting/display-format.ts";
import type { SourceStatus } from "../lib/reporting/report-data.ts";
import { CHANNELS } from "../lib/sql/channels.ts";
import { daysBetween } from "../lib/calendar.ts";
import { type Finding, type Severity, SEVERITY_RANK } from "../shared/findings.ts";
import { COLUMNS_CHANGED_CHECK } from "../shared/model-columns.ts";
import { SOURCES } from "../shared/sources.ts";

/** The sources whose data the pipeline's own connectors pull (the others land through Airbyte or file drops). */
export type ConnectorSources = ReadonlySet<string>;

export interface AlertGroup {
  /** "Meta", "Shopify", or OTHER_CHECKS for findings about no one source. */
  name: string;
  severity: Severity;
  /** Short names of the problems, most severe first: "no data since Mon 16 Nov", "attribution broken". */
  problems: string[];
  /** What to do first. */
  action: string;
  /** "new today", "ongoing since 17 Nov (day 5)", "ongoing since 17 Nov (day 5) · 1 other new today". */
  memory: string;
}

export const OTHER_CHECKS = "Other checks";

const SOURCE_NAMES = new Set<string>(SOURCES.map((source) => source.name));
const SHOP_METRICS = new Set(["gross_revenue", "net_revenue", "orders", "aov", "new_customers", "units"]);

function sourceIn(text: string | undefined): string | undefined {
  if (!text) return undefined;
  if (SOURCE_NAMES.has(text)) return text;
  // "spend meta", "facebook_ads:123:spend", "raw.shopify_orders", "tiktok".
  for (const token of text.split(/[\s:.]+/)) {
    if (SOURCE_NAMES.has(token)) return token;
    const channel = CHANNELS.find((item) => item.channel === token && item.source);
    if (channel?.source) return channel.source;
    const byTable = SOURCES.find((source) => token.startsWith(`${source.name}_`));
    if (byTable) return byTable.name;
  }
  return undefined;
}

/** The source a finding is about, if any: its source field, else its subject or table. */
export function sourceOfFinding(
  finding: Pick<Finding, "check" | "subject" | "source" | "table">,
): string | undefined {
  const named = sourceIn(finding.source) ?? sourceIn(finding.subject) ?? sourceIn(finding.table);
  if (named) return named;
  // An anomaly in the day's sales is about the shop's own numbers.
  if (finding.check === "metric_anomaly" && SHOP_METRICS.has(finding.subject)) return "shopify";
  return undefined;
}

const METRIC_WORDS: Record<string, string> = {
  gross_revenue: "revenue",
  net_revenue: "net revenue",
  new_customers: "new customers",
  aov: "AOV",
};

/** The problem in two to five words. */
export function problemName(
  finding: Pick<Finding, "check" | "subject" | "metric">,
  source: string | undefined,
  sources: readonly SourceStatus[],
  locale: string,
): string {
  const check = finding.check;
  if (check === "source_freshness") {
    const last = sources.find((status) => status.source === source)?.lastEventDate;
    return last ? `no data since ${formatWeekdayDate(last, locale)}` : "data late";
  }
  if (check === "source_missing") return "never landed";
  if (check === "attribution_broken") return "attribution broken";
  if (check === "attribution_no_utms") return "orders without UTM tags";
  if (check === "attribution_coverage") return "few orders carry UTM tags";
  if (check === "reconciliation_mismatch") {
    const metric = finding.metric ?? "totals";
    // "spend differs", "clicks differ".
    return `${metric} ${metric.endsWith("s") ? "differ" : "differs"} from the API`;
  }
  if (check === "reconciliation_unavailable") return "API reconciliation failed";
  if (check === "ad_account_time_zone") return "days in another time zone";
  if (check === "source_volume") return "too few rows landed";
  if (check === "metric_anomaly") {
    const metric = finding.metric ?? finding.subject;
    return `unusual ${METRIC_WORDS[metric] ?? metric.replace(/_/g, " ")}`;
  }
  if (check === "null_order_values") return "orders without a total";
  if (check === "null_rate") return "missing values";
  if (check === "currency_mismatch") return "currency mismatch";
  if (check === "exchange_rate_missing") return "spend without an exchange rate";
  if (check === "duplicated_raw_batch") return "a batch loaded twice";
  if (check === "connector_auth") return "connector login failed";
  if (check === "connector_failed") return "connector failed";
  if (check === "connector_history_owed") return "ad history still loading";
  if (check === "transform_cost_jump") return "BigQuery bill jumped";
  if (check === COLUMNS_CHANGED_CHECK) return "tables rebuilt after an upgrade";
  if (check.startsWith("file_drop")) return "file drop problem";
  if (check === "inventory_unpartitioned_table") return "a raw table read whole every day";
  if (check.startsWith("inventory_")) return "tables or columns changed";
  if (check.startsWith("audit_")) return "a model audit failed";
  return check.replace(/_/g, " ");
}

/** Problems that mean the source's data is not arriving: fixing the sync comes before anything else. */
const NOT_ARRIVING = new Set(["source_freshness", "source_missing", "connector_auth", "connector_failed"]);

function actionFor(check: string, source: string | undefined, connectors: ConnectorSources): string {
  const name = source ? sourceDisplayName(source) : "the source";
  const byConnector = source !== undefined && connectors.has(source);
  if (NOT_ARRIVING.has(check)) {
    return byConnector
      ? `check the ${name} connector's credentials, then re-run the day`
      : // Without a connector the data comes from Airbyte or from dropped export files: both ways are named.
        `reconnect the ${name} source in Airbyte, or drop a new ${name} export into raw/inbox/`;
  }
  if (check === "source_volume") {
    return byConnector
      ? `re-run the day to pull ${name} again`
      : `re-sync ${name} in Airbyte for that day, or drop that day's ${name} export into raw/inbox/`;
  }
  // Coverage is about every channel's links (the orders' UTM tags land in Shopify), not one platform's pixel.
  if (check === "attribution_coverage") return "check that ad links still carry their UTM parameters";
  if (check.startsWith("attribution_")) return `check the ${name} pixel and the UTM tags on its ads`;
  if (check === "reconciliation_mismatch") return `re-pull the days that differ from ${name}`;
  if (check === "reconciliation_unavailable") return `check the ${name} API credentials`;
  if (check === "ad_account_time_zone")
    return `read ${possessive(name)} daily ROAS and CAC with care (weeks and months are sound)`;
  if (check === "metric_anomaly") return "check whether a promotion or an outage explains it";
  if (check === "null_order_values") return "check those orders in Shopify";
  // Its rows landed: a rate is what is missing, which the details name (the days, and a rates file or the fetch).
  if (check === "exchange_rate_missing")
    return `give ${possessive(name)} spend its exchange rates (its rows landed; which days, and how: below)`;
  // Staging already keeps one copy of each order, so the numbers are right and a re-run changes nothing.
  if (check === "duplicated_raw_batch")
    return `nothing to re-run (each order is counted once); if it recurs, check the ${name} sync`;
  if (check.startsWith("file_drop")) return "fix the file and drop it again";
  // Cloud only: the finding gives the statements (BigQuery's partitions), which the details show.
  if (check === "inventory_unpartitioned_table")
    return "have the pipeline's engineer recreate it partitioned (how: below)";
  if (check.startsWith("inventory_")) return "check the source's schema change";
  if (check === "transform_cost_jump")
    return "find the model that reads all history (npm start -- plan --cloud)";
  // The run already rebuilt them: said so that earlier days' figures moving by a hair are not a surprise.
  if (check === COLUMNS_CHANGED_CHECK) return "nothing to do: earlier days now follow the new code";
  // The connector's next runs pull the rest by themselves: only the reading of those days needs care.
  if (check === "connector_history_owed")
    return `nothing to do: the next runs pull the rest; read older days' ${name} spend as incomplete until then`;
  return "see the details below";
}

export function memoryText(memory: AlertMemory | undefined, locale: string): string {
  if (!memory || memory.status === "new") return "new today";
  return `ongoing since ${formatDayMonth(memory.since, locale)} (day ${memory.day})`;
}

function groupMemory(memories: readonly (AlertMemory | undefined)[], locale: string): string {
  const ongoing = memories.filter((memory) => memory?.status === "ongoing") as Extract<
    AlertMemory,
    { status: "ongoing" }
  >[];
  const fresh = memories.length - ongoing.length;
  if (ongoing.length === 0) return "new today";
  const oldest = ongoing.reduce((a, b) => (b.since < a.since ? b : a));
  return `${memoryText(oldest, locale)}${fresh ? ` · ${plural(fresh, "other", "others")} new today` : ""}`;
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** Joins "a", "a and b", "a, b and c". */
export function listText(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** Groups today's alerts (sorted most severe first) by source, the worst group first. */
export function groupAlerts(
  alerts: readonly Finding[],
  memories: AlertMemories,
  sources: readonly SourceStatus[],
  connectors: ConnectorSources,
  locale: string,
): AlertGroup[] {
  const bySource = new Map<string, { source: string | undefined; alerts: Finding[] }>();
  for (const alert of alerts) {
    const source = sourceOfFinding(alert);
    const name = source ? sourceDisplayName(source) : OTHER_CHECKS;
    const group = bySource.get(name) ?? { source, alerts: [] };
    group.alerts.push(alert);
    bySource.set(name, group);
  }
  const groups = [...bySource].map(([name, group]) => {
    // Data not arriving first (it explains the rest), then by severity as the alerts come.
    const ordered = [...group.alerts].sort(
      (a, b) => Number(NOT_ARRIVING.has(b.check)) - Number(NOT_ARRIVING.has(a.check)),
    );
    const problems = [...new Set(ordered.map((alert) => problemName(alert, group.source, sources, locale)))];
    // Data that is not arriving explains most of what else is wrong with the source: that fix alone.
    const blocking = group.alerts.find((alert) => NOT_ARRIVING.has(alert.check));
    const actions = blocking
      ? [actionFor(blocking.check, group.source, connectors)]
      : [...new Set(group.alerts.map((alert) => actionFor(alert.check, group.source, connectors)))].slice(
          0,
          2,
        );
    const severity = group.alerts.reduce<Severity>(
      (worst, alert) => (SEVERITY_RANK[alert.severity] < SEVERITY_RANK[worst] ? alert.severity : worst),
      "info",
    );
    return {
      name,
      severity,
      problems,
      action: actions.join("; "),
      memory: groupMemory(
        group.alerts.map((alert) => memories.today.get(alertKey(alert))),
        locale,
      ),
      count: group.alerts.length,
    };
  });
  groups.sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      b.count - a.count ||
      Number(a.name === OTHER_CHECKS) - Number(b.name === OTHER_CHECKS) ||
      a.name.localeCompare(b.name),
  );
  return groups.map(({ count: _count, ...group }) => group);
}

/** "Meta data late (5 days)" for each alert that fired yesterday and not today. */
export function resolvedText(memories: AlertMemories, runDate: string, locale: string): string[] {
  return memories.resolved.map((alert) => {
    const source = sourceOfFinding({ check: alert.check, subject: alert.subject });
    const name = source ? sourceDisplayName(source) : OTHER_CHECKS;
    const problem = problemName(alert, source, [], locale);
    const days = daysBetween(alert.since, runDate);
    return `${name}: ${problem} (${days === 1 ? "1 day" : `${days} days, from ${formatDayMonth(alert.since, locale)}`})`;
  });
}
