// The Terraform is checked against the shared list (pipeline.json) without a terraform binary: every infra/*.tf
// is parsed with @cdktf/hcl2json, resources are instantiated per for_each key by substituting each.key and
// each.value, and the locals that derive names from pipeline.json are pinned and modelled here.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { cp, mkdtemp, readdir, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { parse } from "@cdktf/hcl2json";
import { execFileSync, spawnSync } from "node:child_process";
import pipeline from "../../functions/shared/pipeline.json" with { type: "json" };
import {
  OPTIONAL_SECRETS,
  type SecretName,
  SECRET_OPTIONS,
  SETTING_OPTIONS,
  SETTINGS_SOURCE_OPTIONS,
} from "../../functions/shared/options.ts";
import { RAW_TABLES } from "../../functions/shared/raw-schemas.ts";
import { FILE_DROP_TOPIC } from "../../functions/shared/pipeline.ts";
import { INBOX_PREFIX } from "../../functions/lib/bucket-layout.ts";
import { lifecycleRules, QUARANTINE_RETENTION_DAYS } from "../../functions/lib/bucket-lifecycle.ts";
import { connectorSecretId } from "../../functions/adapters/secrets/secret-manager.ts";
import { RAW_PARTITION_COLUMN, rawTablesJson } from "../../tools/infra/raw-tables.ts";
import { pushEndpoint } from "../../tools/emulate/topology.ts";
import packageJson from "../../package.json" with { type: "json" };
import { LEASE_MS } from "../../functions/shared/ledger.ts";

const INFRA = join(import.meta.dirname, "..", "..", "infra");

type Json = Record<string, unknown>;
type Block = Record<string, unknown>;

interface Terraform {
  text: string;
  locals: Json;
  variables: Record<string, Block>;
  resources: Record<string, Record<string, Block>>;
  data: Record<string, Record<string, Block>>;
}

async function loadTerraform(): Promise<Terraform> {
  const files = (await readdir(INFRA)).filter((name) => name.endsWith(".tf")).sort();
  const tf: Terraform = { text: "", locals: {}, variables: {}, resources: {}, data: {} };
  for (const file of files) {
    const text = await readFile(join(INFRA, file), "utf8");
    tf.text += `${text}\n`;
    const parsed = (await parse(file, text)) as {
      locals?: Json[];
      variable?: Record<string, Block[]>;
      resource?: Record<string, Record<string, Block[]>>;
      data?: Record<string, Record<string, Block[]>>;
    };
    for (const locals of parsed.locals ?? []) Object.assign(tf.locals, locals);
    for (const [name, [block]] of Object.entries(parsed.variable ?? {})) tf.variables[name] = block ?? {};
    for (const [kind, target] of [
      ["resource", tf.resources],
      ["data", tf.data],
    ] as const) {
      const section = kind === "resource" ? parsed.resource : parsed.data;
      for (const [type, byName] of Object.entries(section ?? {})) {
        target[type] ??= {};
        for (const [name, [block]] of Object.entries(byName)) {
          assert.equal(target[type][name], undefined, `${type}.${name} is declared twice`);
          target[type][name] = block ?? {};
        }
      }
    }
  }
  return tf;
}

function resource(tf: Terraform, type: string, name: string): Block {
  const block = tf.resources[type]?.[name];
  assert.ok(block, `resource ${type}.${name} exists`);
  return block;
}

/** The first (only) nested block of that name, as hcl2json lists nested blocks. */
function nested(block: unknown, name: string): Block {
  const list = (block as Block)[name];
  assert.ok(Array.isArray(list) && list.length > 0, `block ${name} is present`);
  return list[0] as Block;
}

const squash = (text: unknown): string => String(text).replace(/\s+/g, " ").trim();

/** Instantiates an expression for one for_each element: each.key and each.value.<field> become values. */
function instantiate(expression: unknown, key: string, value: Json): unknown {
  if (typeof expression !== "string") return expression;
  const whole = /^\$\{each\.value\.(\w+)\}$/.exec(expression);
  if (whole?.[1]) return value[whole[1]];
  if (expression === "${each.key}") return key;
  return expression
    .replace(/\[each\.key\]/g, `["${key}"]`)
    .replace(/\[each\.value\.(\w+)\]/g, (_, field: string) => `["${String(value[field])}"]`)
    .replace(/\$\{each\.key\}/g, key)
    .replace(/\$\{each\.value\.(\w+)\}/g, (_, field: string) => String(value[field]));
}

// What the locals compute from pipeline.json, modelled here; the expressions themselves are pinned below, so a
// change to either side fails this test.
interface ModelFunction {
  entry_point: string;
  memory: string;
  timeout: number;
}

const STEP_NAMES = pipeline.steps.map((step) => step.name);
const FIRST = STEP_NAMES[0] ?? "";
const LAST = STEP_NAMES.at(-1) ?? "";
const DEAD_LETTER_KEY = "dead-letter";

function modelNextStep(index: number): string | null {
  return pipeline.steps[index + 1]?.name ?? null;
}

function modelFunctions(deadLetterEntryPoint: string): Record<string, ModelFunction> {
  const functions: Record<string, ModelFunction> = {};
  for (const step of pipeline.steps) {
    functions[step.name] = {
      entry_point: step.entryPoint,
      memory: step.memory,
      timeout: step.timeoutSeconds,
    };
  }
  functions[DEAD_LETTER_KEY] = {
    entry_point: deadLetterEntryPoint,
    memory: "512Mi",
    timeout: 120,
  };
  return functions;
}

function modelPublishGrants(): { function: string; target: string }[] {
  return pipeline.steps.flatMap((step, index) =>
    [...new Set([modelNextStep(index), LAST])]
      .filter((target): target is string => target !== null && target !== step.name)
      .map((target) => ({ function: step.name, target })),
  );
}

describe("Terraform (infra/*.tf) against pipeline.json", () => {
  let tf: Terraform;
  let deadLetterEntryPoint: string;

  before(async () => {
    tf = await loadTerraform();
    const index = await readFile(join(import.meta.dirname, "..", "..", "functions", "index.ts"), "utf8");
    deadLetterEntryPoint = /DEAD_LETTER_ENTRY_POINT = "(\w+)"/.exec(index)?.[1] ?? "";
    assert.ok(deadLetterEntryPoint, "functions/index.ts names its dead-letter entry point");
  });

  it("reads the shared list and writes none of its names again", () => {
    assert.equal(
      tf.locals.pipeline,
      '${jsondecode(file("${path.module}/../functions/shared/pipeline.json"))}',
    );
    const names = [
      ...pipeline.steps.flatMap((step) => [step.topic, step.entryPoint]),
      pipeline.deadLetterTopic,
      ...pipeline.extracts,
    ];
    // Step names may key the per-step policy maps (dataset_access, secret readers), which are checked against
    // the list below; topics, entry points and extract names are never written.
    for (const name of names.filter((candidate) => !STEP_NAMES.includes(candidate))) {
      assert.ok(!tf.text.includes(`"${name}"`), `"${name}" is written in infra/*.tf`);
    }
    assert.equal(
      tf.locals.dead_letter_entry_point,
      deadLetterEntryPoint,
      "the dead-letter entry point matches index.ts",
    );
  });

  it("derives each step's next step, the first step and the failure step from the list's order", () => {
    assert.equal(
      squash(tf.locals.steps),
      squash(`\${{
        for index, step in local.pipeline.steps : step.name => merge(step, {
          index     = index
          next_step = index + 1 < length(local.pipeline.steps) ? local.pipeline.steps[index + 1].name : null
        })
      }}`),
    );
    assert.equal(tf.locals.first_step, "${local.pipeline.steps[0].name}");
    assert.equal(tf.locals.failure_step, "${local.pipeline.steps[length(local.pipeline.steps) - 1].name}");
    assert.equal(LAST, "notify", "failures jump to notify (run-step.ts publishFailure), the last step");
    const functions = squash(tf.locals.functions);
    for (const fragment of [
      "for name, step in local.steps : name => {",
      "entry_point = step.entryPoint",
      "memory = step.memory",
      "timeout = step.timeoutSeconds",
      "(local.dead_letter_key) = { entry_point = local.dead_letter_entry_point",
    ]) {
      assert.ok(functions.includes(fragment), `local.functions contains ${fragment}`);
    }
  });

  it("has one topic per step, named from the list, and a dead-letter topic", () => {
    const topic = resource(tf, "google_pubsub_topic", "step");
    assert.equal(topic.for_each, "${local.steps}");
    for (const step of pipeline.steps) {
      assert.equal(instantiate(topic.name, step.name, step as unknown as Json), step.topic);
    }
    assert.equal(
      resource(tf, "google_pubsub_topic", "dead_letter").name,
      "${local.pipeline.deadLetterTopic}",
    );
    // The emulated pipeline (tools/emulate/topology.ts) names its file-drop topic FILE_DROP_TOPIC.
    assert.equal(tf.locals.name_prefix, "${local.pipeline.topicPrefix}");
    assert.equal(resource(tf, "google_pubsub_topic", "file_drops").name, "${local.name_prefix}-file-drops");
    assert.equal(FILE_DROP_TOPIC, `${pipeline.topicPrefix}-file-drops`);
  });

  it("deploys one function per step with its entry point, memory, timeout and own service account, plus the dead-letter one", () => {
    const fn = resource(tf, "google_cloudfunctions2_function", "function");
    const account = resource(tf, "google_service_account", "function");
    assert.equal(fn.for_each, "${local.functions}");
    assert.equal(account.for_each, "${local.functions}");
    const build = nested(fn, "build_config");
    const service = nested(fn, "service_config");
    const accountIds = new Set<unknown>();
    for (const [key, model] of Object.entries(modelFunctions(deadLetterEntryPoint))) {
      const value = model as unknown as Json;
      assert.equal(build.runtime, "${local.function_runtime}");
      assert.equal(instantiate(build.entry_point, key, value), model.entry_point, `${key} entry point`);
      assert.equal(instantiate(service.available_memory, key, value), model.memory, `${key} memory`);
      assert.equal(instantiate(service.timeout_seconds, key, value), model.timeout, `${key} timeout`);
      assert.equal(
        instantiate(service.service_account_email, key, value),
        `\${google_service_account.function["${key}"].email}`,
        `${key} runs as its own service account`,
      );
      const accountId = instantiate(account.account_id, key, value);
      assert.match(String(accountId), /^\$\{local\.name_prefix\}-[a-z-]+$/);
      accountIds.add(accountId);
    }
    assert.equal(accountIds.size, STEP_NAMES.length + 1, "no two functions share an account");
    for (const key of [...STEP_NAMES, DEAD_LETTER_KEY]) {
      const id = `${pipeline.topicPrefix}-${key}`;
      assert.ok(id.length >= 6 && id.length <= 30, `service account id ${id} fits 6–30 characters`);
    }
    const env = squash(service.environment_variables);
    assert.ok(env.includes("PULSE_STEP = each.key"));
    // The next topic comes from pipeline.json in the code, never from the environment.
    assert.ok(!env.includes("NEXT_TOPIC"));
    // Every setting that is not a secret reaches the functions as the settings file's JSON.
    const functionEnv = tf.locals.function_env as Record<string, string>;
    assert.match(
      squash(functionEnv.PULSE_SETTINGS),
      /^\$\{jsonencode\(merge\(var\.settings, \{\s*version = 1\s*\}\)\)\}$/,
    );
    assert.deepEqual(tf.variables.settings?.default, {});
    const secretEnv = (service.dynamic as Record<string, Block[]>).secret_environment_variables?.[0];
    assert.equal(secretEnv?.for_each, "${local.function_secrets[each.key]}");
  });

  it("triggers each step from its own topic, with retries and the dead-letter topic on the subscription", () => {
    const subscription = resource(tf, "google_pubsub_subscription", "step");
    assert.equal(subscription.for_each, "${local.steps}");
    for (const step of pipeline.steps) {
      const value = step as unknown as Json;
      assert.equal(
        instantiate(subscription.topic, step.name, value),
        `\${google_pubsub_topic.step["${step.name}"].id}`,
      );
      const push = nested(subscription, "push_config");
      // The path the emulator pushes to (tools/emulate/topology.ts), which functions-framework reads the topic from.
      assert.equal(
        instantiate(push.push_endpoint, step.name, value),
        pushEndpoint(
          `\${google_cloudfunctions2_function.function["${step.name}"].service_config[0].uri}`,
          "${var.project_id}",
          step.topic,
        ),
      );
      assert.equal(
        nested(push, "oidc_token").service_account_email,
        "${google_service_account.pusher.email}",
      );
    }
    const retry = nested(subscription, "retry_policy");
    assert.equal(retry.minimum_backoff, "${var.retry_minimum_backoff}");
    assert.equal(retry.maximum_backoff, "${var.retry_maximum_backoff}");
    const deadLetter = nested(subscription, "dead_letter_policy");
    assert.equal(deadLetter.dead_letter_topic, "${google_pubsub_topic.dead_letter.id}");
    assert.equal(deadLetter.max_delivery_attempts, "${var.max_delivery_attempts}");
    const attempts = Number(tf.variables.max_delivery_attempts?.default);
    assert.ok(attempts >= 5 && attempts <= 100, "Pub/Sub allows 5–100 delivery attempts");
    // A duplicate delivery that finds its step running is answered with an error and retried: its retries must
    // outlast the longest step (its timeout) and the claim it leaves (LEASE_MS), or a long transform's duplicate
    // is dead-lettered and raises a false alarm. Pub/Sub's backoff doubles from the minimum up to the maximum.
    const seconds = (text: unknown) => Number(String(text).replace(/s$/, ""));
    const minimum = seconds(tf.variables.retry_minimum_backoff?.default);
    const maximum = seconds(tf.variables.retry_maximum_backoff?.default);
    let waited = 0;
    for (let retry = 0; retry < attempts - 1; retry++) waited += Math.min(maximum, minimum * 2 ** retry);
    const longestStep = Math.max(...pipeline.steps.map((step) => step.timeoutSeconds));
    assert.ok(
      waited >= longestStep + LEASE_MS / 1000,
      `${attempts} deliveries wait ${waited} s in all, under the longest step's ${longestStep} s and its ${LEASE_MS / 1000} s claim`,
    );

    const deadLetterPush = resource(tf, "google_pubsub_subscription", "dead_letter_push");
    assert.equal(deadLetterPush.topic, "${google_pubsub_topic.dead_letter.id}");
    assert.equal(
      nested(deadLetterPush, "push_config").push_endpoint,
      pushEndpoint(
        "${google_cloudfunctions2_function.function[local.dead_letter_key].service_config[0].uri}",
        "${var.project_id}",
        "${local.pipeline.deadLetterTopic}",
      ),
    );
    assert.equal(deadLetterPush.dead_letter_policy, undefined, "dead letters do not loop back");
    const pull = resource(tf, "google_pubsub_subscription", "dead_letter_pull");
    assert.equal(pull.topic, "${google_pubsub_topic.dead_letter.id}");
    assert.equal(pull.push_config, undefined, "a pull subscription to inspect dead letters");

    assert.equal(
      resource(tf, "google_pubsub_topic_iam_member", "pubsub_dead_letters").member,
      "${local.pubsub_service_agent}",
    );
    assert.equal(
      resource(tf, "google_pubsub_subscription_iam_member", "pubsub_acks_dead_letters").role,
      "roles/pubsub.subscriber",
    );
  });

  it("lets each step publish to the next step's topic and the failure step's, nothing else", () => {
    assert.equal(
      squash(tf.locals.publish_grants),
      squash(`\${merge([
        for name, step in local.steps : {
          for target in distinct([step.next_step, local.failure_step]) :
          "\${name}->\${target}" => { function = name, target = target }
          if target != null && target != name
        }
      ]...)}`),
    );
    const grants = modelPublishGrants();
    assert.deepEqual(
      grants.filter((grant) => grant.function === "transform").map((grant) => grant.target),
      ["check-quality", "notify"],
    );
    assert.equal(grants.filter((grant) => grant.function === "notify").length, 0, "notify publishes nothing");
    const publisher = resource(tf, "google_pubsub_topic_iam_member", "publisher");
    assert.equal(publisher.for_each, "${local.publish_grants}");
    assert.equal(publisher.role, "roles/pubsub.publisher");
    for (const grant of grants) {
      const value = grant as unknown as Json;
      const key = `${grant.function}->${grant.target}`;
      assert.equal(
        instantiate(publisher.topic, key, value),
        `\${google_pubsub_topic.step["${grant.target}"].id}`,
      );
      assert.equal(
        instantiate(publisher.member, key, value),
        `serviceAccount:\${google_service_account.function["${grant.function}"].email}`,
      );
    }
  });

  it('starts the chain nightly with {"trigger":"scheduler"} on the first step\'s topic', () => {
    const job = resource(tf, "google_cloud_scheduler_job", "nightly");
    assert.equal(job.schedule, "${var.schedule}");
    // UTC: no daylight-saving gap (02:00 America/New_York does not exist on the spring-forward night).
    assert.equal(job.time_zone, "Etc/UTC");
    assert.equal(tf.variables.schedule?.default, "0 7 * * *");
    assert.equal(tf.variables.time_zone?.default, undefined, "the shop's time zone is required");
    const target = nested(job, "pubsub_target");
    assert.equal(target.topic_name, "${google_pubsub_topic.step[local.first_step].id}");
    assert.equal(target.data, '${base64encode(jsonencode({ trigger = "scheduler" }))}');
    assert.equal(FIRST, "ingest");
  });

  it("keeps every bucket private: uniform access and public access prevention enforced", () => {
    const buckets = Object.entries(tf.resources.google_storage_bucket ?? {});
    assert.ok(buckets.length >= 1);
    for (const [name, bucket] of buckets) {
      assert.equal(bucket.uniform_bucket_level_access, true, `${name} uniform access`);
      assert.equal(bucket.public_access_prevention, "enforced", `${name} public access prevention`);
    }
    const data = resource(tf, "google_storage_bucket", "data");
    assert.equal(nested(data, "versioning").enabled, true);
    const rules = (data.lifecycle_rule as Block[]).map((rule) => nested(rule, "condition"));
    assert.ok(
      rules.some(
        (rule) => squash(rule.matches_prefix).includes('"extracts/${name}/"') && rule.age !== undefined,
      ),
      "dated extracts expire",
    );
    assert.ok(!rules.some((rule) => JSON.stringify(rule.matches_prefix ?? "").includes("extracts/latest")));
    assert.ok(
      rules.every(
        (rule) =>
          !(rule.with_state === undefined && JSON.stringify(rule.matches_prefix).includes("reports/")),
      ),
      "live reports are never deleted",
    );
  });

  it("expires what the local bucket expires, at the same ages (functions/lib/bucket-lifecycle.ts)", () => {
    const data = resource(tf, "google_storage_bucket", "data");
    // The rules that delete live objects by age (the others delete replaced versions only).
    const byAge = (data.lifecycle_rule as Block[])
      .map((rule) => nested(rule, "condition"))
      .filter((condition) => condition.age !== undefined)
      .map((condition) => ({ age: String(condition.age), prefixes: squash(condition.matches_prefix) }));
    const local = lifecycleRules(SETTING_OPTIONS["local.extractRetentionDays"].default ?? 0);
    assert.deepEqual(byAge, [
      {
        age: "${var.extract_retention_days}",
        prefixes: '${[for name in local.pipeline.extracts : "extracts/${name}/"]}',
      },
      { age: String(QUARANTINE_RETENTION_DAYS), prefixes: squash(local[1]?.prefixes) },
    ]);
    assert.deepEqual(
      local[0]?.prefixes,
      pipeline.extracts.map((name) => `extracts/${name}/`),
      "the dated extracts' prefixes, from the same list",
    );
    assert.equal(
      tf.variables.extract_retention_days?.default,
      local[0]?.ageDays,
      "the cloud's default retention is the local default",
    );
    assert.equal(local.length, 2);
  });

  it("grants no basic role (owner, editor, viewer) anywhere", () => {
    assert.doesNotMatch(tf.text, /roles\/(owner|editor|viewer)\b/);
    const iam = Object.entries(tf.resources).filter(([type]) => type.includes("iam"));
    assert.ok(iam.length > 5);
    for (const [type, byName] of iam) {
      for (const [name, block] of Object.entries(byName)) {
        const roles = [block.role, block.for_each].map(String).join(" ");
        assert.doesNotMatch(roles, /roles\/(owner|editor)\b/, `${type}.${name}`);
      }
    }
    const projectRoles = Object.values(tf.resources.google_project_iam_member ?? {}).flatMap((block) =>
      String(block.role).startsWith("roles/") ? [block.role] : [String(block.for_each)],
    );
    assert.deepEqual(projectRoles.sort(), [
      '${toset([\n    "roles/cloudbuild.builds.builder",\n    "roles/logging.logWriter",\n  ])}',
      "roles/bigquery.jobUser",
      "roles/bigquery.jobUser",
    ]);
    // The second jobUser is the analysts' (they may query the marts they can read).
    assert.equal(
      resource(tf, "google_project_iam_member", "analysts_job_user").member,
      "group:${var.analysts_group}",
    );
  });

  it("grants BigQuery datasets per step, restricting raw and staging, marts readable by the analysts", () => {
    const access = tf.locals.dataset_access as Record<string, { reads: string[]; writes: string[] }>;
    assert.deepEqual(
      Object.keys(access).sort(),
      [...STEP_NAMES, "${(local.dead_letter_key)}"].sort(),
      "every step, and the dead-letter function",
    );
    // The dead-letter function reads what ingest recorded of a dead-lettered file drop, and nothing else.
    assert.deepEqual(access["${(local.dead_letter_key)}"], { reads: ["ops"], writes: [] });
    assert.equal(resource(tf, "google_project_iam_member", "job_user").for_each, "${local.dataset_access}");
    const datasets = Object.keys(pipeline.datasets);
    for (const [step, { reads, writes }] of Object.entries(access)) {
      for (const dataset of [...reads, ...writes])
        assert.ok(datasets.includes(dataset), `${step}: ${dataset}`);
    }
    assert.deepEqual(access.transform?.writes, ["staging", "unified", "marts", "ops"], "ops: its watermark");
    assert.equal(
      resource(tf, "google_bigquery_dataset", "dataset").for_each,
      "${tomap(local.pipeline.datasets)}",
    );
    assert.deepEqual(tf.variables.restricted_datasets?.default, ["raw", "staging"]);
    assert.ok(resource(tf, "google_bigquery_dataset_iam_binding", "restricted"));
    const analysts = resource(tf, "google_bigquery_dataset_iam_member", "analysts");
    assert.equal(analysts.dataset_id, '${google_bigquery_dataset.dataset["marts"].dataset_id}');
    assert.equal(analysts.role, "roles/bigquery.dataViewer");
  });

  it("hands each secret only to its readers", () => {
    const functionKeys = [...STEP_NAMES, DEAD_LETTER_KEY];
    for (const variable of ["pii_hash_key_readers", "smtp_url_readers", "url_signers"]) {
      for (const reader of tf.variables[variable]?.default as string[]) {
        assert.ok(functionKeys.includes(reader), `${variable}: ${reader} is a function`);
      }
    }
    assert.deepEqual(tf.variables.pii_hash_key_readers?.default, ["transform"]);
    // Only notify's summary email carries signed links (the deck, the dashboard page); a failure email has none.
    assert.deepEqual(tf.variables.url_signers?.default, ["notify"]);
    const accessor = resource(tf, "google_secret_manager_secret_iam_member", "accessor");
    assert.equal(accessor.role, "roles/secretmanager.secretAccessor");
    assert.equal(accessor.for_each, "${local.secret_grants}");
  });

  it("creates the chat webhook's secret only when the settings name a chat, for the two check steps", () => {
    const chat = (tf.locals.secret_declarations as Record<string, Record<string, unknown>>).chat_webhook_url;
    assert.equal(chat?.enabled, "${try(var.settings.chat.kind, null) != null}");
    // The id the Secret Manager adapter reads for chatWebhookUrl, and the variable the Secrets port reads.
    assert.equal(chat?.secret_id, connectorSecretId("chatWebhookUrl"));
    assert.equal(chat?.env, SECRET_OPTIONS.chatWebhookUrl.env?.[0]);
    assert.deepEqual(chat?.readers, ["check-sources", "check-quality"]);
    assert.equal(tf.variables.chat_webhook_url?.default, null, "no chat unless asked for");
  });

  it("creates a connector's credentials only when it is on, as pulse-<kebab name>, for ingest and check-sources only", () => {
    // docs/connectors.md (Credentials): the names the Secret Manager adapter reads, the variables the Secrets
    // port reads, and the two readers (ingest pulls, check-sources reconciles), written out here by hand.
    const declarations = tf.locals.secret_declarations as Record<string, Record<string, unknown>>;
    // The Google Ads developer token (sunset by Google on 9 September 2026) is optional: its secret exists only when
    // the deployment asks for it too (var.google_ads_send_developer_token).
    const expected: [key: string, name: SecretName, enabled: string, id: string][] = [
      [
        "shopify_access_token",
        "shopifyAccessToken",
        'contains(var.connectors, "shopify")',
        "pulse-shopify-access-token",
      ],
      [
        "meta_access_token",
        "metaAccessToken",
        'contains(var.connectors, "facebook_ads")',
        "pulse-meta-access-token",
      ],
      [
        "tiktok_access_token",
        "tiktokAccessToken",
        'contains(var.connectors, "tiktok_ads")',
        "pulse-tiktok-access-token",
      ],
      [
        "google_ads_developer_token",
        "googleAdsDeveloperToken",
        'contains(var.connectors, "google_ads") && var.google_ads_send_developer_token',
        "pulse-google-ads-developer-token",
      ],
      [
        "google_ads_oauth",
        "googleAdsOauth",
        'contains(var.connectors, "google_ads")',
        "pulse-google-ads-oauth",
      ],
    ];
    assert.deepEqual(tf.locals.connector_readers, ["ingest", "check-sources"]);
    for (const [key, name, enabled, id] of expected) {
      const declaration = declarations[key];
      assert.equal(declaration?.enabled, `\${${enabled}}`, `${key} only when on`);
      assert.equal(declaration?.secret_id, id, key);
      assert.equal(connectorSecretId(name), id, `the adapter reads ${name} as ${id}`);
      assert.equal(declaration?.env, SECRET_OPTIONS[name].env?.[0], key);
      assert.equal(declaration?.readers, "${local.connector_readers}", key);
      assert.equal(
        (tf.locals.secret_values as Record<string, string>)[key],
        `\${lookup(var.connector_credentials, "${key}", null)}`,
      );
    }
    // No connector is on unless asked for, so no credential secret exists by default.
    assert.deepEqual(tf.variables.connectors?.default, []);
    assert.equal(tf.variables.airbyte_sync?.default, false);
  });

  it("creates the Google Ads developer token's secret only when asked for: the code runs without it", () => {
    // Google sunset developer tokens on 9 September 2026 (the API servers ignore the header): a shop connecting
    // today gives google_ads_oauth alone. The one secret the code treats as optional is the one Terraform may skip.
    assert.deepEqual([...OPTIONAL_SECRETS], ["googleAdsDeveloperToken"]);
    const flag = tf.variables.google_ads_send_developer_token;
    assert.equal(flag?.type, "${bool}");
    assert.equal(flag?.default, false, "no developer token secret unless asked for");
    const declarations = tf.locals.secret_declarations as Record<string, Record<string, unknown>>;
    const gated = Object.entries(declarations)
      .filter(([, declaration]) =>
        String(declaration.enabled).includes("var.google_ads_send_developer_token"),
      )
      .map(([key]) => key);
    assert.deepEqual(gated, ["google_ads_developer_token"]);
    // Its grants and its environment variable follow the secret: both iterate over the enabled secrets only.
    assert.equal(
      tf.locals.secrets,
      "${{ for key, secret in local.secret_declarations : key => secret if secret.enabled }}",
    );
    assert.equal(resource(tf, "google_secret_manager_secret", "secret").for_each, "${local.secrets}");
    assert.equal(resource(tf, "google_secret_manager_secret_version", "value").for_each, "${local.secrets}");
  });

  it("describes every variable", () => {
    for (const [name, variable] of Object.entries(tf.variables)) {
      assert.ok(typeof variable.description === "string" && variable.description.length > 10, name);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// What a first `terraform apply` on an empty project needs (issue 15).

/**
 * Cloud Run functions runtimes that can still create a function (Google's runtime support schedule): Node.js 20
 * was decommissioned on 2026-10-30; 22 is supported until 2027-04-30, 24 until 2028-04-30.
 */
const SUPPORTED_RUNTIMES = ["nodejs22", "nodejs24"];

/** The API each resource type is served by (every google_* type used must be listed: a new one makes you look). */
const API_OF_TYPE: Record<string, readonly string[]> = {
  google_artifact_registry_repository: ["artifactregistry.googleapis.com"],
  google_artifact_registry_repository_iam_member: ["artifactregistry.googleapis.com"],
  google_bigquery_dataset: ["bigquery.googleapis.com"],
  google_bigquery_dataset_iam_binding: ["bigquery.googleapis.com"],
  google_bigquery_dataset_iam_member: ["bigquery.googleapis.com"],
  google_bigquery_table: ["bigquery.googleapis.com"],
  google_billing_budget: ["billingbudgets.googleapis.com"],
  google_cloud_run_service_iam_member: ["run.googleapis.com"],
  google_cloud_scheduler_job: ["cloudscheduler.googleapis.com"],
  google_cloudfunctions2_function: [
    "cloudfunctions.googleapis.com",
    "run.googleapis.com",
    "cloudbuild.googleapis.com",
    "artifactregistry.googleapis.com",
  ],
  google_logging_metric: ["logging.googleapis.com"],
  google_monitoring_alert_policy: ["monitoring.googleapis.com"],
  google_monitoring_notification_channel: ["monitoring.googleapis.com"],
  google_project: ["cloudresourcemanager.googleapis.com"],
  google_project_iam_member: ["cloudresourcemanager.googleapis.com"],
  google_project_service: ["serviceusage.googleapis.com"],
  google_pubsub_subscription: ["pubsub.googleapis.com"],
  google_pubsub_subscription_iam_member: ["pubsub.googleapis.com"],
  google_pubsub_topic: ["pubsub.googleapis.com"],
  google_pubsub_topic_iam_member: ["pubsub.googleapis.com"],
  google_secret_manager_secret: ["secretmanager.googleapis.com"],
  google_secret_manager_secret_iam_member: ["secretmanager.googleapis.com"],
  google_secret_manager_secret_version: ["secretmanager.googleapis.com"],
  google_service_account: ["iam.googleapis.com"],
  google_service_account_iam_member: ["iam.googleapis.com", "iamcredentials.googleapis.com"],
  google_storage_bucket: ["storage.googleapis.com"],
  google_storage_bucket_iam_member: ["storage.googleapis.com"],
  google_storage_bucket_object: ["storage.googleapis.com"],
  google_storage_managed_folder: ["storage.googleapis.com"],
  google_storage_notification: ["storage.googleapis.com", "pubsub.googleapis.com"],
  google_storage_project_service_account: ["storage.googleapis.com"],
  google_storage_managed_folder_iam_member: ["storage.googleapis.com"],
};

/** "type.name" of every resource, and "data.type.name" of every data source, an expression mentions. */
function references(expression: unknown, tf: Terraform, seenLocals = new Set<string>()): Set<string> {
  const text = JSON.stringify(expression);
  const found = new Set<string>();
  for (const match of text.matchAll(/(data\.)?\b(google_[a-z0-9_]+)\.([a-z0-9_]+)/g)) {
    const [, data, type, name] = match;
    found.add(`${data ?? ""}${type}.${name}`);
  }
  for (const match of text.matchAll(/\blocal\.([a-z0-9_]+)/g)) {
    const name = match[1] ?? "";
    if (seenLocals.has(name)) continue;
    seenLocals.add(name);
    for (const reference of references(tf.locals[name], tf, seenLocals)) found.add(reference);
  }
  return found;
}

function everyBlock(tf: Terraform): [string, Block][] {
  return [
    ...Object.entries(tf.resources).flatMap(([type, byName]) =>
      Object.entries(byName).map(([name, block]) => [`${type}.${name}`, block] as [string, Block]),
    ),
    ...Object.entries(tf.data).flatMap(([type, byName]) =>
      Object.entries(byName).map(([name, block]) => [`data.${type}.${name}`, block] as [string, Block]),
    ),
  ];
}

/** Glob (fileset's *, ** and literal characters) as a regular expression over repository paths. */
function globRegExp(pattern: string): RegExp {
  const source = pattern
    .split("**/")
    .map((part) =>
      part
        .split("*")
        .map((literal) => literal.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join("[^/]*"),
    )
    .join("(?:[^/]+/)*");
  return new RegExp(`^${source}$`);
}

describe("Terraform: a first apply on an empty project", () => {
  let tf: Terraform;
  const blocks = new Map<string, Block>();

  before(async () => {
    tf = await loadTerraform();
    for (const [address, block] of everyBlock(tf)) blocks.set(address, block);
  });

  it("deploys on a runtime Cloud Run functions still supports, which package.json's engines accept", () => {
    assert.ok(
      SUPPORTED_RUNTIMES.includes(String(tf.locals.function_runtime)),
      `${String(tf.locals.function_runtime)} is a supported runtime`,
    );
    const build = nested(resource(tf, "google_cloudfunctions2_function", "function"), "build_config");
    assert.equal(build.runtime, "${local.function_runtime}");
    const major = Number(/^nodejs(\d+)$/.exec(String(tf.locals.function_runtime))?.[1]);
    const engines = packageJson.engines.node;
    const minimum = Number(/^>=\s*(\d+)/.exec(engines)?.[1]);
    assert.ok(minimum <= major, `engines ${engines} accept the deployed Node ${major}`);
    assert.ok(minimum <= 20, `engines ${engines} still accept Node 20, which local machines and CI run`);
    // README, Deploying to Google Cloud: "deployed on Node.js 22".
    assert.equal(tf.locals.function_runtime, "nodejs22");
  });

  it("enables every API a resource needs, and creates every resource only after the APIs", () => {
    const apis = new Set(
      [...JSON.stringify(tf.locals.apis).matchAll(/"?([a-z0-9]+\.googleapis\.com)/g)].map(
        (match) => match[1],
      ),
    );
    assert.ok(
      apis.has("cloudresourcemanager.googleapis.com"),
      "data.google_project needs Cloud Resource Manager",
    );
    const enabler = "google_project_service.api";
    // Transitive closure of depends_on and references: does the block wait for the APIs?
    const waits = new Map<string, boolean>();
    const waitsForApis = (address: string, path: string[] = []): boolean => {
      if (address === enabler) return true;
      const known = waits.get(address);
      if (known !== undefined) return known;
      if (path.includes(address)) return false;
      const block = blocks.get(address);
      assert.ok(block, `${path.at(-1) ?? "?"} refers to ${address}, which is declared`);
      const result = [...references(block, tf)].some((reference) =>
        waitsForApis(reference, [...path, address]),
      );
      waits.set(address, result);
      return result;
    };
    for (const [address, block] of blocks) {
      const type = address.replace(/^data\./, "").split(".")[0] ?? "";
      if (!type.startsWith("google_")) continue;
      const needs = API_OF_TYPE[type];
      assert.ok(needs, `${address}: which API serves ${type}? add it to API_OF_TYPE`);
      if (address === enabler) continue;
      for (const api of needs) assert.ok(apis.has(api), `${address} needs ${api}, which apis.tf enables`);
      assert.ok(waitsForApis(address), `${address} is created only after ${enabler} (depends_on)`);
      if (type === "google_billing_budget") {
        assert.match(
          String(block.count),
          /var\.billing_account == ""/,
          "a budget only with a billing account",
        );
      }
    }
  });

  it("refers only to declared variables, locals, resources and data sources (what terraform validate would)", () => {
    const code = tf.text
      .split("\n")
      .map((line) => line.replace(/^\s*#.*$/, ""))
      .join("\n");
    for (const match of code.matchAll(/\bvar\.([a-z0-9_]+)/g)) {
      assert.ok(tf.variables[match[1] ?? ""], `var.${match[1]} is declared`);
    }
    for (const match of code.matchAll(/\blocal\.([a-z0-9_]+)/g)) {
      assert.ok((match[1] ?? "") in tf.locals, `local.${match[1]} is declared`);
    }
    for (const match of code.matchAll(
      /(?<![\w.])(data\.)?((?:google|archive)_[a-z0-9_]+)\.([a-z0-9_]+)\b/g,
    )) {
      const [, data, type = "", name = ""] = match;
      const declared = data ? tf.data[type]?.[name] : tf.resources[type]?.[name];
      assert.ok(declared, `${data ?? ""}${type}.${name} is declared`);
    }
  });

  it("sets every environment variable a function reads in the cloud, and only known ones", () => {
    const env = tf.locals.function_env as Record<string, string>;
    const cloudRead = Object.entries(SETTING_OPTIONS).filter(
      ([key]) => key === "mode" || /^(cloud|shop|email)\./.test(key),
    );
    assert.ok(cloudRead.length >= 12);
    for (const [key, option] of cloudRead) {
      const variable = option.env?.[0] ?? "";
      assert.ok(variable in env, `${key}: ${variable} is set for every function (locals.tf function_env)`);
    }
    assert.equal(env.PULSE_RUNTIME, "cloud");
    // The code's version is the one source archive's, which every function runs: a run's report and notify agree
    // on it unless a deploy came between them (functions/lib/reporting/report-snapshot.ts).
    assert.equal(env.PULSE_CODE_VERSION, "${data.archive_file.source.output_md5}");
    assert.match(
      String(resource(tf, "google_storage_bucket_object", "source").name),
      /\$\{data\.archive_file\.source\.output_md5\}/,
    );
    const known = new Set(
      [...Object.values(SETTING_OPTIONS), ...Object.values(SETTINGS_SOURCE_OPTIONS)].flatMap(
        (option) => option.env ?? [],
      ),
    );
    for (const variable of Object.keys(env))
      assert.ok(known.has(variable), `${variable} is an option's variable`);
    // Secrets reach their readers under the variable the Secrets port reads.
    const secrets = tf.locals.secret_declarations as Record<string, { env: string }>;
    assert.deepEqual(
      Object.values(secrets)
        .map((secret) => secret.env)
        .sort(),
      Object.values(SECRET_OPTIONS)
        .map((option) => option.env?.[0])
        .sort(),
    );
    // No default that mails a stranger or mislabels the shop: the shop's identity is required.
    for (const name of ["shop_name", "time_zone", "currency", "email_to", "email_from"]) {
      assert.ok(tf.variables[name], `variable ${name}`);
      assert.equal(tf.variables[name]?.default, undefined, `${name} has no default`);
    }
    assert.equal(env.PULSE_EMAIL_TO, '${join(",", var.email_to)}');
    assert.doesNotMatch(tf.text, /example\.com"/, "no example.com address as a value");
  });

  it("rotates one secret without writing a new version of any other, the PII key's above all", () => {
    // Terraform cannot compare a write-only value with the last one, so a secret's value is sent whenever its
    // version number changes: that number must be the secret's own. Evaluated as Terraform does, per secret,
    // before and after rotating the SMTP URL (secret_versions = { smtp_url = 2 }).
    const expression = String(
      resource(tf, "google_secret_manager_secret_version", "value").secret_data_wo_version,
    );
    const lookup = /^\$\{lookup\(var\.(\w+), each\.key, var\.(\w+)\)\}$/.exec(expression);
    assert.ok(lookup, `a per-secret version: ${expression}`);
    assert.deepEqual([lookup[1], lookup[2]], ["secret_versions", "secret_values_version"]);
    const versionOf = (key: string, perSecret: Record<string, number>, all: number) => perSecret[key] ?? all;
    const keys = Object.keys(tf.locals.secret_declarations as Json);
    const base = Number(tf.variables.secret_values_version?.default);
    assert.deepEqual(tf.variables.secret_versions?.default, {});
    const rotated = keys.filter(
      (key) => versionOf(key, {}, base) !== versionOf(key, { smtp_url: base + 1 }, base),
    );
    assert.deepEqual(rotated, ["smtp_url"], "only the SMTP URL gets a new version");
    // A name that is no secret is refused, rather than silently rotating nothing.
    const validation = (tf.variables.secret_versions?.validation as Block[] | undefined)?.[0];
    assert.equal(
      squash(validation?.condition),
      "${alltrue([for key in keys(var.secret_versions) : contains(keys(local.secret_declarations), key)])}",
    );
  });

  it("creates every secret with a version before the functions, pins it, and keeps the value out of the state", () => {
    const version = resource(tf, "google_secret_manager_secret_version", "value");
    assert.equal(version.for_each, "${local.secrets}");
    assert.equal(resource(tf, "google_secret_manager_secret", "secret").for_each, "${local.secrets}");
    assert.equal(version.secret, "${google_secret_manager_secret.secret[each.key].id}");
    assert.equal(version.secret_data, undefined, "never secret_data: it would be stored in the state");
    assert.equal(version.secret_data_wo, "${local.secret_values[each.key]}");
    assert.equal(
      version.secret_data_wo_version,
      "${lookup(var.secret_versions, each.key, var.secret_values_version)}",
    );
    const values = tf.locals.secret_values as Record<string, string>;
    assert.deepEqual(Object.keys(values).sort(), Object.keys(tf.locals.secret_declarations as Json).sort());
    for (const value of Object.values(values)) {
      // Either a variable of its own or a key of the connectors' credentials map, both ephemeral.
      const name = /^\$\{(?:var\.(\w+)|lookup\(var\.(\w+), "\w+", null\))\}$/.exec(value);
      const variable = tf.variables[name?.[1] ?? name?.[2] ?? ""];
      assert.equal(variable?.ephemeral, true, `${value} is ephemeral`);
      assert.equal(variable?.sensitive, true, `${value} is sensitive`);
    }
    const fn = resource(tf, "google_cloudfunctions2_function", "function");
    const secretEnv = (nested(fn, "service_config").dynamic as Record<string, Block[]>)
      .secret_environment_variables?.[0];
    const content = nested(secretEnv, "content");
    assert.equal(
      content.version,
      "${google_secret_manager_secret_version.value[secret_environment_variables.key].version}",
    );
    assert.ok((fn.depends_on as string[]).includes("${google_secret_manager_secret_version.value}"));
  });

  it("grants no bucket-wide object role on the data bucket; PII folders only to ingest", () => {
    for (const type of ["google_storage_bucket_iam_member", "google_storage_bucket_iam_binding"]) {
      for (const [name, block] of Object.entries(tf.resources[type] ?? {})) {
        if (String(block.bucket).includes("google_storage_bucket.data.")) {
          assert.doesNotMatch(
            String(block.role),
            /storage\.object/,
            `${type}.${name}: a bucket-wide object role`,
          );
        }
      }
    }
    const grant = resource(tf, "google_storage_managed_folder_iam_member", "function");
    assert.equal(grant.for_each, "${local.bucket_grants}");
    assert.equal(grant.managed_folder, "${google_storage_managed_folder.folder[each.value.folder].name}");
    const folders = tf.locals.bucket_folders as string[];
    assert.equal(
      resource(tf, "google_storage_managed_folder", "folder").for_each,
      "${toset(local.bucket_folders)}",
    );
    const access = tf.locals.bucket_access as Record<string, { reads: string[]; writes: string[] }>;
    const byFunction = new Map(
      Object.entries(access).map(([key, value]) => [
        key === "${(local.dead_letter_key)}" ? DEAD_LETTER_KEY : key,
        value,
      ]),
    );
    assert.deepEqual(
      [...byFunction.keys()].sort(),
      [...STEP_NAMES, DEAD_LETTER_KEY].sort(),
      "every function",
    );
    for (const [name, { reads, writes }] of byFunction) {
      for (const folder of [...reads, ...writes]) assert.ok(folders.includes(folder), `${name}: ${folder}`);
      // Every step writes the ledger (claims and records) under runs/.
      assert.ok(writes.includes("runs/"), `${name} writes the run ledger`);
      if (name !== "ingest") {
        for (const pii of ["raw/", "quarantine/"]) {
          assert.ok(![...reads, ...writes].includes(pii), `${name} has no access to ${pii} (plaintext PII)`);
        }
      }
    }
    assert.deepEqual(byFunction.get("ingest")?.writes, ["runs/", "raw/", "quarantine/"]);
    // state/: which run date latest/ shows, and the incremental extracts' month chunks and manifests.
    assert.deepEqual(byFunction.get("export")?.writes, ["runs/", "extracts/", "state/"]);
    assert.deepEqual(byFunction.get("report")?.writes, ["runs/", "reports/"]);
    assert.deepEqual(byFunction.get("report")?.reads, ["extracts/"], "the dashboard page reads the extracts");
    assert.deepEqual(byFunction.get("notify")?.reads, ["reports/"], "notify links the deck");
    const analysts = resource(tf, "google_storage_managed_folder_iam_member", "analysts_read_extracts");
    assert.equal(analysts.managed_folder, '${google_storage_managed_folder.folder["extracts/"].name}');
    assert.equal(
      analysts.role,
      "roles/storage.objectViewer",
      "Looker's connector may list and read extracts/",
    );
  });

  it("starts a run when a file lands in raw/inbox/: notification, message transform, push to the first step", async () => {
    assert.equal(tf.locals.inbox_prefix, INBOX_PREFIX, "the inbox of functions/lib/bucket-layout.ts");
    const notification = resource(tf, "google_storage_notification", "file_drops");
    assert.equal(notification.bucket, "${google_storage_bucket.data.name}");
    assert.equal(notification.object_name_prefix, "${local.inbox_prefix}");
    assert.deepEqual(notification.event_types, ["OBJECT_FINALIZE"]);
    assert.equal(notification.payload_format, "JSON_API_V1");
    assert.equal(notification.topic, "${google_pubsub_topic.file_drops.id}");
    assert.equal(
      resource(tf, "google_pubsub_topic_iam_member", "storage_publishes_file_drops").member,
      "serviceAccount:${data.google_storage_project_service_account.storage.email_address}",
    );
    const subscription = resource(tf, "google_pubsub_subscription", "file_drops");
    assert.equal(
      nested(subscription, "push_config").push_endpoint,
      pushEndpoint(
        "${google_cloudfunctions2_function.function[local.first_step].service_config[0].uri}",
        "${var.project_id}",
        "${google_pubsub_topic.file_drops.name}",
      ),
    );
    const udf = nested(nested(subscription, "message_transforms"), "javascript_udf");
    assert.equal(udf.code, '${file("${path.module}/file-drop-start.js")}');
    const code = await readFile(join(INFRA, "file-drop-start.js"), "utf8");
    assert.ok(
      code.includes(`function ${String(udf.function_name)}(message, metadata)`),
      "the UDF names its function",
    );
    assert.ok(code.includes(`"${INBOX_PREFIX}"`), "the UDF matches the same inbox");
    assert.equal(
      nested(subscription, "dead_letter_policy").dead_letter_topic,
      "${google_pubsub_topic.dead_letter.id}",
    );
    // Who drops files may create objects in the inbox, and read nothing.
    assert.equal(resource(tf, "google_storage_managed_folder", "inbox").name, "${local.inbox_prefix}");
    const droppers = resource(tf, "google_storage_managed_folder_iam_member", "file_droppers");
    assert.equal(droppers.managed_folder, "${google_storage_managed_folder.inbox.name}");
    assert.equal(droppers.role, "roles/storage.objectCreator");
  });

  it("lets ingest record file drops in ops.file_drops", () => {
    const access = tf.locals.dataset_access as Record<string, { writes: string[] }>;
    assert.deepEqual(access.ingest?.writes, ["raw", "ops"]);
  });

  it("creates the raw tables from raw-schemas.ts, partitioned and clustered on _airbyte_extracted_at, refusing unfiltered reads", async () => {
    const json = JSON.parse(await readFile(join(INFRA, "raw-tables.json"), "utf8")) as unknown;
    assert.deepEqual(
      json,
      rawTablesJson(),
      "infra/raw-tables.json is current: npx tsx tools/infra/raw-tables.ts",
    );
    const tables = (json as ReturnType<typeof rawTablesJson>).tables;
    assert.deepEqual(
      tables.map((table) => table.name),
      RAW_TABLES.map((table) => table.name),
    );
    for (const table of tables) {
      const partition = table.schema.find((column) => column.name === RAW_PARTITION_COLUMN);
      assert.equal(partition?.type, "TIMESTAMP", `${table.name}.${RAW_PARTITION_COLUMN}`);
    }
    assert.equal(
      tf.locals.raw_tables,
      '${{ for table in jsondecode(file("${path.module}/raw-tables.json")).tables : table.name => table }}',
    );
    const raw = resource(tf, "google_bigquery_table", "raw");
    assert.equal(raw.for_each, "${local.raw_tables}");
    assert.equal(raw.dataset_id, '${google_bigquery_dataset.dataset["raw"].dataset_id}');
    assert.equal(raw.schema, "${jsonencode(each.value.schema)}");
    const partitioning = nested(raw, "time_partitioning");
    assert.equal(partitioning.field, "${each.value.partitionColumn}");
    assert.equal(partitioning.type, "DAY");
    // A query must filter _airbyte_extracted_at to read them (test/sql/raw-partition-filters.test.ts).
    assert.equal(raw.require_partition_filter, true);
    assert.equal(raw.deletion_protection, true);
  });

  it("packages the functions from an explicit list of patterns, never the working tree", () => {
    const archive = tf.data.archive_file?.source;
    assert.ok(archive);
    assert.equal(archive.source_dir, undefined, "no source_dir: it would zip untracked files too");
    const patterns = (tf.locals.source_patterns as string[]).map(globRegExp);
    const packaged = (path: string) => patterns.some((pattern) => pattern.test(path));
    for (const stray of [
      ".env",
      "functions/.env",
      "functions/debug.log",
      ".pulse/warehouse.duckdb",
      "test/x.test.ts",
      "infra/terraform.tfstate",
      "tools/bench.ts",
      "node_modules/x/index.js",
      "functions/notes.txt",
    ]) {
      assert.ok(!packaged(stray), `${stray} is not packaged`);
    }
    const tracked = execFileSync(
      "git",
      ["ls-files", "functions", "sql", "package.json", "package-lock.json", "tsconfig.json"],
      {
        cwd: join(INFRA, ".."),
        encoding: "utf8",
      },
    )
      .split("\n")
      .filter((path) => path && !path.endsWith(".md"));
    assert.ok(tracked.length > 100);
    for (const path of tracked) assert.ok(packaged(path), `${path} is packaged (the build needs it)`);
  });

  it("packages every file the functions read at run time: each step's modules load from the archive alone", async () => {
    // What Cloud Build gets: the tracked files the patterns select (fileset() over the working tree), with the
    // installed packages beside them (npm ci). The steps read SQL files, and the deck's glossary sql/README.md, when
    // their modules load: a file left out fails that step on every delivery in the cloud, however well it runs here.
    const patterns = (tf.locals.source_patterns as string[]).map(globRegExp);
    const root = join(INFRA, "..");
    const packaged = execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" })
      .split("\n")
      .filter((path) => path && patterns.some((pattern) => pattern.test(path)));
    const archive = await mkdtemp(join(tmpdir(), "pulse-source-archive-"));
    try {
      for (const path of packaged) await cp(join(root, path), join(archive, path));
      await symlink(join(root, "node_modules"), join(archive, "node_modules"), "dir");
      const load = [
        'const handlers = await import("./functions/runtime/step-handlers.ts");',
        "await handlers.loadStepModules();",
        'await import("./functions/notify/dead-file-drop.ts");',
        'await import("./functions/runtime/cloud-ports.ts");',
        'await import("./functions/index.ts");',
      ].join(" ");
      const loaded = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", load], {
        cwd: archive,
        encoding: "utf8",
      });
      assert.equal(loaded.status, 0, loaded.stderr);
    } finally {
      await rm(archive, { recursive: true, force: true });
    }
  });

  it("charts the BigQuery bytes each step billed, from the usage run-step logs with the step's end", () => {
    const metric = resource(tf, "google_logging_metric", "step_bytes_billed");
    const filter = squash(String(metric.filter));
    // run-step.ts logs { event: "step.succeeded", step, warehouse: { bytesBilled, ... } } (test/shared/run-step.test.ts).
    assert.ok(filter.includes("${local.function_logs}"));
    assert.match(filter, /jsonPayload\.event=\\?"step\.succeeded\\?"/);
    assert.equal(metric.value_extractor, "EXTRACT(jsonPayload.warehouse.bytesBilled)");
    assert.deepEqual(metric.label_extractors, { step: "EXTRACT(jsonPayload.step)" });
    const descriptor = nested(metric, "metric_descriptor");
    assert.equal(descriptor.value_type, "DISTRIBUTION");
    assert.equal(descriptor.unit, "By");
    assert.equal(nested(descriptor, "labels").key, "step");
    const buckets = nested(nested(metric, "bucket_options"), "exponential_buckets");
    assert.equal(buckets.scale, 10485760, "from BigQuery's minimum bill per query");
    assert.ok(readRunStep().includes("warehouse: usage"));
  });

  it("alerts without SMTP: function errors, dead letters, a run not finished in time; a budget; image cleanup; remote state", () => {
    const errors = resource(tf, "google_monitoring_alert_policy", "function_errors");
    assert.match(
      squash(JSON.stringify(nested(nested(errors, "conditions"), "condition_matched_log").filter)),
      /severity>=ERROR/,
    );
    const deadLetters = squash(
      JSON.stringify(resource(tf, "google_monitoring_alert_policy", "dead_letters")),
    );
    assert.ok(deadLetters.includes("subscription/dead_letter_message_count"));
    assert.ok(deadLetters.includes("${google_pubsub_subscription.dead_letter_push.name}"));
    const started = String(resource(tf, "google_logging_metric", "runs_started").filter);
    const finished = String(resource(tf, "google_logging_metric", "runs_finished").filter);
    // The events run-step.ts logs, for the first step's start and the last step's success.
    const runStep = readRunStep();
    assert.ok(runStep.includes('event: "step.started"') && runStep.includes('"step.succeeded"'));
    assert.ok(
      started.includes('jsonPayload.event=\\"step.started\\"') ||
        started.includes('jsonPayload.event="step.started"'),
    );
    assert.ok(started.includes("${local.first_step}"));
    assert.ok(finished.includes("step.succeeded") && finished.includes("${local.failure_step}"));
    // A failure email ends a run too: the event notify/step.ts logs when it was sent.
    // As an alternative to the last step's success, not a further condition on it. Each check says what it read:
    // a bare assert.ok on a false value has Node parse this file to word its message, which never ended here.
    assert.match(
      finished,
      /AND \(\(jsonPayload\.event="step\.succeeded" AND jsonPayload\.step="\$\{local\.failure_step\}"\) OR jsonPayload\.event="failure_email\.sent"\)$/,
    );
    assert.match(readFileSync("functions/notify/step.ts", "utf8"), /event: "failure_email\.sent"/);
    const heartbeat = nested(
      nested(resource(tf, "google_monitoring_alert_policy", "run_not_finished"), "conditions"),
      "condition_prometheus_query_language",
    );
    assert.match(String(heartbeat.query), /runs_started.*unless.*runs_finished/);
    assert.equal(heartbeat.duration, "${var.run_deadline_minutes * 60}s");
    for (const policy of Object.values(tf.resources.google_monitoring_alert_policy ?? {})) {
      assert.equal(policy.notification_channels, "${local.notification_channels}");
    }
    const budget = resource(tf, "google_billing_budget", "monthly");
    assert.ok((budget.threshold_rules as Block[]).length >= 3);
    const repository = resource(tf, "google_artifact_registry_repository", "builds");
    assert.ok((repository.cleanup_policies as Block[]).some((policy) => policy.action === "DELETE"));
    assert.equal(repository.cleanup_policy_dry_run, false);
    assert.equal(
      nested(resource(tf, "google_cloudfunctions2_function", "function"), "build_config").docker_repository,
      "${google_artifact_registry_repository.builds.id}",
    );
    assert.match(tf.text, /backend "gcs" \{\}/, "remote state in Cloud Storage");
  });
});

function readRunStep(): string {
  return readFileSync(join(INFRA, "..", "functions", "shared", "run-step.ts"), "utf8");
}
