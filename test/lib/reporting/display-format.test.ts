import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  currencySymbol,
  formatChange,
  formatDateRange,
  formatAxisDayMonth,
  formatDayMonth,
  formatFindingText,
  formatLongDate,
  formatMoney,
  formatMoneyCompact,
  formatMonthShort,
  formatMonthUpTo,
  formatMonthYear,
  formatNumber,
  formatPercent,
  formatRatio,
  formatShopTime,
  formatWeekdayDate,
} from "../../../functions/lib/reporting/display-format.ts";
import { germanLongDate, japaneseLongDate } from "../../support/reader-dates.ts";

const USD = { currency: "USD", locale: "en-US" };

describe("format", () => {
  it("formats money in whole units by default and with the currency's decimals on request", () => {
    assert.equal(formatMoney(1234, USD), "$1,234");
    assert.equal(formatMoney(1234.56, USD), "$1,235");
    assert.equal(formatMoney(54.321, USD, true), "$54.32");
    assert.equal(formatMoney(-500, USD), "-$500");
    assert.equal(formatMoney(0, USD), "$0");
    // A currency without minor units never shows decimals; the Kuwaiti dinar shows its three (the fils).
    assert.equal(formatMoney(1234.5, { currency: "JPY", locale: "en-US" }, true), "¥1,235");
    const KWD = { currency: "KWD", locale: "en-US" };
    assert.equal(formatMoney(9.735, KWD, true).replace(/\s/g, " "), "KWD 9.735");
    assert.equal(formatMoney(30.9134, KWD, true).replace(/\s/g, " "), "KWD 30.913");
    assert.equal(formatMoney(30.9134, KWD).replace(/\s/g, " "), "KWD 31");
    assert.equal(formatMoney(1234, { currency: "EUR", locale: "de-DE" }).replace(/\s/g, " "), "1.234 €");
  });

  it("formats compact money like $12.4k", () => {
    assert.equal(formatMoneyCompact(12_400, USD), "$12.4k");
    assert.equal(formatMoneyCompact(12_000, USD), "$12k");
    assert.equal(formatMoneyCompact(950, USD), "$950");
    assert.equal(formatMoneyCompact(1_234_567, USD), "$1.2M");
    assert.equal(formatMoneyCompact(12_400, { currency: "GBP", locale: "en-GB" }), "£12.4k");
  });

  it("keeps whole, grouped units where the locale has no short word for the amount", () => {
    // German writes no abbreviation for thousands, Japanese none below 万 (10,000): the compact format would print
    // the amount with a decimal and without grouping ("6643,6 €", "￥6643.6"; a yen has no decimals at all).
    const EUR_DE = { currency: "EUR", locale: "de-DE" };
    const JPY_JA = { currency: "JPY", locale: "ja-JP" };
    assert.equal(formatMoneyCompact(6643.59, EUR_DE), "6.644\u00a0€");
    assert.equal(formatMoneyCompact(12_345.67, EUR_DE), "12.346\u00a0€");
    assert.equal(formatMoneyCompact(999_999, EUR_DE), "999.999\u00a0€");
    assert.equal(formatMoneyCompact(6643.6, JPY_JA), "￥6,644");
    // Swiss grouping is an apostrophe, ASCII or typographic by ICU version.
    assert.match(formatMoneyCompact(6643.6, { currency: "CHF", locale: "de-CH" }), /^CHF\u00a06['’]644$/);
    // Where the locale has a word, it is used as before.
    assert.equal(formatMoneyCompact(1_234_567, EUR_DE), "1,2\u00a0Mio.\u00a0€");
    assert.equal(formatMoneyCompact(137_000, JPY_JA), "￥13.7万");
    assert.equal(formatMoneyCompact(6643.59, { currency: "EUR", locale: "fr-FR" }), "6,6\u00a0k\u00a0€");
  });

  it("shows n/a, never 0, for missing values", () => {
    for (const missing of [null, undefined, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.equal(formatMoney(missing, USD), "n/a");
      assert.equal(formatMoneyCompact(missing, USD), "n/a");
      assert.equal(formatNumber(missing, "en-US"), "n/a");
      assert.equal(formatRatio(missing, "en-US"), "n/a");
      assert.equal(formatPercent(missing, "en-US"), "n/a");
      assert.equal(formatChange(missing, "en-US"), "n/a");
    }
    assert.equal(formatWeekdayDate(null, "en-US"), "n/a");
    assert.equal(formatLongDate(undefined, "en-US"), "n/a");
  });

  it("formats counts, ratios and shares", () => {
    assert.equal(formatNumber(1234, "en-US"), "1,234");
    assert.equal(formatNumber(12.25, "en-US", 1), "12.3");
    assert.equal(formatRatio(3.1, "en-US"), "3.10");
    assert.equal(formatRatio(3.1472, "en-US", 1), "3.1");
    assert.equal(formatRatio(2.875, "en-US", 2, "×"), "2.88×");
    assert.equal(formatPercent(0.0123, "en-US", 2), "1.23%");
    assert.equal(formatPercent(0.5, "en-US"), "50.0%");
  });

  it("formats changes with a sign, and changes that round to nothing as 0%", () => {
    assert.equal(formatChange(0.08, "en-US"), "+8%");
    assert.equal(formatChange(-0.25, "en-US"), "-25%");
    assert.equal(formatChange(1, "en-US"), "+100%");
    assert.equal(formatChange(0.004, "en-US"), "0%");
    assert.equal(formatChange(-0.004, "en-US"), "0%");
    assert.equal(formatChange(0, "en-US"), "0%");
  });

  it("labels days like Sat 21 Nov, whatever the machine's time zone", () => {
    assert.equal(formatWeekdayDate("2026-11-21", "en-US"), "Sat 21 Nov");
    assert.equal(formatWeekdayDate("2026-11-21", "en-GB"), "Sat 21 Nov");
    assert.equal(formatLongDate("2026-11-21", "en-US"), "Sat 21 Nov 2026");
    assert.equal(formatDayMonth("2026-01-01", "en-US"), "1 Jan");
    assert.equal(formatWeekdayDate("2025-11-22", "en-US"), "Sat 22 Nov");
  });

  it("writes an instant as the shop's clock showed it: its day there, its time and zone", () => {
    // By hand: 09:14 UTC is 4:14 in New York (EST, UTC−5) on the same day; 03:00 UTC on the 22nd is still the
    // 21st there, at 10 pm.
    assert.equal(
      formatShopTime("2026-11-22T09:14:03.120Z", "en-US", "America/New_York"),
      "Sun 22 Nov 2026 4:14 AM EST",
    );
    assert.equal(
      formatShopTime("2026-11-22T03:00:00Z", "en-US", "America/New_York"),
      "Sat 21 Nov 2026 10:00 PM EST",
    );
    // 20:30 UTC on the 21st is 05:30 on the 22nd in Tokyo (UTC+9); 23:30 UTC is 00:30 the next day in Berlin.
    const time = (locale: string, timeZone: string, instant: string) =>
      new Intl.DateTimeFormat(locale, {
        timeZone,
        hour: "numeric",
        minute: "2-digit",
        timeZoneName: "short",
      }).format(new Date(instant));
    assert.equal(
      formatShopTime("2026-11-21T20:30:00Z", "ja-JP", "Asia/Tokyo"),
      `${japaneseLongDate("2026-11-22")} ${time("ja-JP", "Asia/Tokyo", "2026-11-21T20:30:00Z")}`,
    );
    assert.equal(
      formatShopTime("2026-11-21T23:30:00Z", "de-DE", "Europe/Berlin"),
      `${germanLongDate("2026-11-22")} ${time("de-DE", "Europe/Berlin", "2026-11-21T23:30:00Z")}`,
    );
    assert.equal(formatShopTime("not a time", "en-US", "America/New_York"), "not a time");
  });

  it("formats date ranges within a month, across months and across years", () => {
    assert.equal(formatDateRange("2026-11-01", "2026-11-21", "en-US"), "1–21 Nov 2026");
    assert.equal(formatDateRange("2026-10-25", "2026-11-21", "en-US"), "25 Oct – 21 Nov 2026");
    assert.equal(formatDateRange("2025-12-20", "2026-01-16", "en-US"), "20 Dec 2025 – 16 Jan 2026");
    assert.equal(formatDateRange("2026-11-21", "2026-11-21", "en-US"), "21 Nov 2026");
  });

  it("keeps the dot a German, Danish or Norwegian day number takes (21. Nov.)", () => {
    // German writes the day of a date as an ordinal, with a dot: "Sa. 21. Nov.", "1.–21. Nov. 2026". A locale
    // without the dot (fr, es) is as before.
    const labels = {
      weekdayDate: formatWeekdayDate("2026-11-21", "de-DE"),
      longDate: formatLongDate("2026-11-21", "de-DE"),
      dayMonth: formatDayMonth("2026-10-15", "de-DE"),
      rangeInMonth: formatDateRange("2026-11-01", "2026-11-21", "de-DE"),
      rangeAcrossMonths: formatDateRange("2026-10-15", "2026-11-08", "de-DE"),
      danish: formatDayMonth("2026-11-09", "da-DK"),
      norwegian: formatWeekdayDate("2026-11-09", "nb-NO"),
      french: formatWeekdayDate("2026-11-09", "fr-FR"),
      spanish: formatDateRange("2026-11-01", "2026-11-21", "es-ES"),
    };
    assert.deepEqual(labels, {
      weekdayDate: "Sa. 21. Nov.",
      longDate: "Sa. 21. Nov. 2026",
      dayMonth: "15. Okt.",
      rangeInMonth: "1.–21. Nov. 2026",
      rangeAcrossMonths: "15. Okt. – 8. Nov. 2026",
      danish: "9. nov.",
      norwegian: "man. 9. nov.",
      french: "lun. 9 nov.",
      spanish: "1–21 nov 2026",
    });
  });

  it("keeps the order and marks of a locale that writes months as numbers (ja, ko)", () => {
    // Monday 9 November 2026, as Japanese and Korean write it: not the house order's "月 9 11".
    assert.equal(formatWeekdayDate("2026-11-09", "ja-JP"), "11月9日(月)");
    assert.equal(formatLongDate("2026-11-09", "ja-JP"), "2026年11月9日(月)");
    assert.equal(formatDayMonth("2026-11-09", "ja-JP"), "11月9日");
    assert.equal(formatDateRange("2026-11-09", "2026-11-09", "ja-JP"), "2026年11月9日");
    assert.equal(formatDateRange("2026-11-01", "2026-11-09", "ko-KR"), "2026년 11월 1일~9일");
    for (const label of [
      formatWeekdayDate("2026-11-09", "ja-JP"),
      formatDateRange("2026-11-01", "2026-11-09", "ja-JP"),
    ])
      assert.ok(label.includes("11") && label.includes("9"), label);
  });

  it("writes a Japanese or Chinese range as prose writes it, not as two numeric dates (ja, zh)", () => {
    // CLDR's yMMMd intervals: ja "y年M月d日～d日" (a full-width tilde), zh "y年M月d日至d日"; the later date drops the
    // year and month it shares with the first. ICU's formatRange wrote "2026/11/01～2026/11/30" (ja-JP) and
    // "2026/11/1 – 2026/11/30" (zh-CN).
    const expected = {
      "ja-JP": [
        "2026年11月1日～30日",
        "2026年10月28日～11月3日",
        "2025年12月28日～2026年1月3日",
        "2026年11月1日～20日",
      ],
      "zh-CN": [
        "2026年11月1日至30日",
        "2026年10月28日至11月3日",
        "2025年12月28日至2026年1月3日",
        "2026年11月1日至20日",
      ],
      "zh-TW": [
        "2026年11月1日至30日",
        "2026年10月28日至11月3日",
        "2025年12月28日至2026年1月3日",
        "2026年11月1日至20日",
      ],
      "ko-KR": [
        "2026년 11월 1일~30일",
        "2026년 10월 28일~11월 3일",
        "2025년 12월 28일~2026년 1월 3일",
        "2026년 11월 1일~20일",
      ],
    };
    for (const [locale, [month, acrossMonths, acrossYears, monthInProgress]] of Object.entries(expected)) {
      assert.equal(formatDateRange("2026-11-01", "2026-11-30", locale), month, locale);
      assert.equal(formatDateRange("2026-10-28", "2026-11-03", locale), acrossMonths, locale);
      assert.equal(formatDateRange("2025-12-28", "2026-01-03", locale), acrossYears, locale);
      // A month in progress, as the deck's and the dashboard's monthly tables label it.
      assert.equal(formatMonthUpTo("2026-11-01", "2026-11-20", locale), monthInProgress, locale);
    }
    assert.equal(formatDateRange("2026-11-09", "2026-11-09", "zh-CN"), "2026年11月9日");
  });

  describe("names days and months in the Gregorian calendar the figures are summed by", () => {
    // Written out by hand, not taken from Intl: the Gregorian months in Persian, Arabic and Thai, and each
    // script's digits. A label in the locale's own calendar (Persian, Hijri, Buddhist era, Japanese era) names a
    // month other than the Gregorian one whose rows it sums, or a year other than the run date's.
    const PERSIAN_MONTHS = "ژانویه فوریه مارس آوریل مه ژوئن ژوئیه اوت سپتامبر اکتبر نوامبر دسامبر".split(" ");
    const ARABIC_MONTHS = "يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر".split(
      " ",
    );
    const THAI_MONTHS = "ม.ค. ก.พ. มี.ค. เม.ย. พ.ค. มิ.ย. ก.ค. ส.ค. ก.ย. ต.ค. พ.ย. ธ.ค.".split(" ");
    const digits = (zero: number) => (n: number) =>
      String(n).replace(/\d/g, (d) => String.fromCodePoint(zero + Number(d)));
    const persian = digits(0x06f0);
    const arabic = digits(0x0660);
    const months2026 = Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, "0")}-01`);
    // A date in a right-to-left script comes between a right-to-left and a left-to-right mark (see below).
    const rtl = (text: string) => `\u200f${text}\u200e`;

    it("fa-IR: every day of 2026 by its Gregorian day and month, in Persian words and digits", () => {
      for (let day = new Date(Date.UTC(2026, 0, 1)); day.getUTCFullYear() === 2026;) {
        const iso = day.toISOString().slice(0, 10);
        const expected = rtl(`${persian(day.getUTCDate())} ${PERSIAN_MONTHS[day.getUTCMonth()]}`);
        assert.equal(formatDayMonth(iso, "fa-IR"), expected, iso);
        day = new Date(day.getTime() + 86_400_000);
      }
      months2026.forEach((month, i) =>
        assert.equal(formatMonthShort(month, "fa-IR"), rtl(`${PERSIAN_MONTHS[i]} ${persian(2026)}`), month),
      );
      assert.equal(formatMonthYear("2026-11-01", "fa-IR"), rtl(`نوامبر ${persian(2026)}`));
      assert.equal(
        formatDateRange("2026-11-01", "2026-11-20", "fa-IR"),
        rtl(`${persian(1)}–${persian(20)} نوامبر ${persian(2026)}`),
      );
      assert.ok(
        formatLongDate("2026-11-09", "fa-IR").endsWith(rtl(`${persian(9)} نوامبر ${persian(2026)}`).slice(1)),
      );
    });

    it("ar-SA with the Umm al-Qura calendar asked for: Gregorian months in Arabic digits", () => {
      const locale = "ar-SA-u-ca-islamic-umalqura";
      months2026.forEach((month, i) =>
        assert.equal(formatMonthShort(month, locale), rtl(`${ARABIC_MONTHS[i]} ${arabic(2026)}`), month),
      );
      assert.equal(formatDayMonth("2026-11-21", locale), rtl(`${arabic(21)} نوفمبر`));
    });

    it("th-TH: the Gregorian year, not the Buddhist era's 2569", () => {
      months2026.forEach((month, i) =>
        assert.equal(formatMonthShort(month, "th-TH"), `${THAI_MONTHS[i]} 2026`),
      );
      assert.ok(formatLongDate("2026-11-09", "th-TH").endsWith("9 พ.ย. 2026"));
      assert.equal(formatDateRange("2026-11-01", "2026-11-20", "th-TH"), "1–20 พ.ย. 2026");
    });

    it("ja-JP with the Japanese era asked for: the Gregorian year, not 令和8年", () => {
      const locale = "ja-JP-u-ca-japanese";
      months2026.forEach((month, i) => assert.equal(formatMonthShort(month, locale), `2026年${i + 1}月`));
      assert.equal(formatLongDate("2026-11-09", locale), "2026年11月9日(月)");
    });
  });

  describe("a finding's sentence, its stored ISO dates written for the reader", () => {
    const stored =
      "Spend on Saturday 2026-11-21 was low; the window 2026-11-06..2026-11-19 (2026-11-15 to 2026-11-16) differs. Last load 2026-11-30 18:04 UTC.";

    it("en-US, fr-FR and ja-JP: a date with its weekday in the locale's words, a range as the locale writes one", () => {
      assert.equal(
        formatFindingText(stored, "en-US"),
        "Spend on Sat 21 Nov 2026 was low; the window 6–19 Nov 2026 (15–16 Nov 2026) differs. Last load Mon 30 Nov 2026 18:04 UTC.",
      );
      assert.equal(
        formatFindingText(stored, "fr-FR"),
        "Spend on sam. 21 nov. 2026 was low; the window 6–19 nov. 2026 (15–16 nov. 2026) differs. Last load lun. 30 nov. 2026 18:04 UTC.",
      );
      assert.equal(
        formatFindingText(stored, "ja-JP"),
        "Spend on 2026年11月21日(土) was low; the window 2026年11月6日～19日 (2026年11月15日～16日) differs. Last load 2026年11月30日(月) 18:04 UTC.",
      );
    });

    it("leaves a date that is part of a path or a file name as it is", () => {
      const paths = "It is in quarantine/dt=2026-11-21/ab12-orders.csv and outbox/summary-2026-11-21.eml.";
      assert.equal(formatFindingText(paths, "fr-FR"), paths);
    });
  });

  it("names a daily axis's month in Japanese and Chinese as month/day, elsewhere as the day and month", () => {
    assert.equal(formatAxisDayMonth("2026-10-25", "ja-JP"), "10/25");
    assert.equal(formatAxisDayMonth("2026-11-01", "zh-CN"), "11/1");
    assert.equal(formatAxisDayMonth("2026-11-01", "en-US"), "1 Nov");
    assert.equal(formatAxisDayMonth("2026-11-01", "ko-KR"), formatDayMonth("2026-11-01", "ko-KR"));
  });

  it("knows where the currency symbol goes, for chart number formats", () => {
    assert.deepEqual(currencySymbol(USD), { symbol: "$", position: "before" });
    assert.deepEqual(currencySymbol({ currency: "EUR", locale: "de-DE" }), {
      symbol: "€",
      position: "after",
    });
  });
});
