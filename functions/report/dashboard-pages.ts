// The dashboard's pages built on the Looker extracts that came later (campaign_daily, geographic_sales,
// ltv_cohorts): campaigns, geography and cohorts. Each says which extract it lacks rather than failing the report.
import {
  type DashboardContext,
  type DashboardPage,
  type ExtractTables,
  missingPage,
} from "./dashboard-rows.ts";

export function buildLookerPages(
  tables: ExtractTables,
  _context: DashboardContext,
): { campaigns: DashboardPage; geography: DashboardPage; cohorts: DashboardPage } {
  return {
    campaigns: missingPage("campaigns", "Campaigns", ["campaign_daily"], tables),
    geography: missingPage("geography", "Geography", ["geographic_sales"], tables),
    cohorts: missingPage("cohorts", "Cohorts", ["ltv_cohorts"], tables),
  };
}
