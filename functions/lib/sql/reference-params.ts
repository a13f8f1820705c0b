// The parameters every model reads that depend on no run, shop or setting: the reference data of the code.
import { unnamedAdAccountParams } from "../ad-export-accounts.ts";
import { channelsParam } from "./channels.ts";

/**
 * The channel list (`@channels`: staging.channels) and each ad platform's account key of an export that names no
 * account (`@unnamed_meta_account`, `@unnamed_google_customer`, `@unnamed_tiktok_advertiser`: the ad platforms'
 * staging models, where such an export competes with every account's rows of its days).
 */
export function referenceParams(): { channels: string } & ReturnType<typeof unnamedAdAccountParams> {
  return { channels: channelsParam(), ...unnamedAdAccountParams() };
}
