// The line under the email's day figures when the run day and the same weekday a week before (what the figures'
// changes compare) fall in different retail events: a Friday after Black Friday reads "-55% vs last Fri", and the
// reader should see at once that last Friday was the sales peak, not that the business halved.
import { eventsOn, type RetailEvent } from "../lib/retail-calendar.ts";
import { formatDayMonth, formatWeekdayDate } from "../lib/reporting/display-format.ts";

const KIND_WORDS: Record<RetailEvent["kind"], string> = {
  "sales-event": "a sales event",
  holiday: "a holiday",
};

/**
 * Undefined when both days are ordinary or in the same event (Black Friday against the Monday of its weekend a
 * week later cannot happen; the Christmas peak against itself says nothing). `weekday` is the short weekday the
 * figures' changes name ("Fri"), `country` the shop's market (its retail calendar).
 */
export function retailEventNote(
  country: string,
  runDate: string,
  lastWeek: string,
  weekday: string,
  locale: string,
): string | undefined {
  const [runEvent] = eventsOn(country, runDate);
  const [lastWeekEvent] = eventsOn(country, lastWeek);
  if (runEvent?.key === lastWeekEvent?.key) return undefined;
  const lastWeekDay = `last ${weekday} (${formatDayMonth(lastWeek, locale)})`;
  const runDay = formatWeekdayDate(runDate, locale);
  if (runEvent && lastWeekEvent)
    return `${runDay} was during ${runEvent.name}, ${lastWeekDay} during ${lastWeekEvent.name}.`;
  if (lastWeekEvent)
    return `${capitalised(lastWeekDay)} was during ${lastWeekEvent.name}: the changes against it compare an ordinary day with ${KIND_WORDS[lastWeekEvent.kind]}.`;
  if (runEvent)
    return `${runDay} was during ${runEvent.name} and ${lastWeekDay} was not: the changes against it compare ${KIND_WORDS[runEvent.kind]} with an ordinary day.`;
  return undefined;
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
