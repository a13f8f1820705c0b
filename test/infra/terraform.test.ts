// The Terraform is checked against the shared list (pipeline.json) without a terraform binary: every infra/*.tf
// is parsed with @cdktf/hcl2json, resources are instantiated per for_each key by substituting each.key and
// each.value, and the locals that derive names from pipeline.json are pinned and modelled here.
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { parse } from "@cdktf/hcl2json";
import pipeline from "../../functions/shared/pipeline.json" with { type: "json" };

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
      assert.equal(build.runtime, "nodejs20");
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
      assert.equal(
        instantiate(push.push_endpoint, step.name, value),
        `\${google_cloudfunctions2_function.function["${step.name}"].service_config[0].uri}`,
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

    const deadLetterPush = resource(tf, "google_pubsub_subscription", "dead_letter_push");
    assert.equal(deadLetterPush.topic, "${google_pubsub_topic.dead_letter.id}");
    assert.equal(
      nested(deadLetterPush, "push_config").push_endpoint,
      "${google_cloudfunctions2_function.function[local.dead_letter_key].service_config[0].uri}",
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
    assert.equal(job.time_zone, "${var.time_zone}");
    assert.equal(tf.variables.schedule?.default, "0 2 * * *");
    assert.equal(tf.variables.time_zone?.default, "America/New_York");
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
    ]);
  });

  it("grants BigQuery datasets per step, restricting raw and staging, marts readable by the analysts", () => {
    const access = tf.locals.dataset_access as Record<string, { reads: string[]; writes: string[] }>;
    assert.deepEqual(Object.keys(access).sort(), [...STEP_NAMES].sort(), "every step, and only steps");
    const datasets = Object.keys(pipeline.datasets);
    for (const [step, { reads, writes }] of Object.entries(access)) {
      for (const dataset of [...reads, ...writes])
        assert.ok(datasets.includes(dataset), `${step}: ${dataset}`);
    }
    assert.deepEqual(access.transform?.writes, ["staging", "unified", "marts"]);
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

  it("creates the secrets but never a secret value, and hands each only to its readers", () => {
    assert.equal(tf.resources.google_secret_manager_secret_version, undefined);
    const functionKeys = [...STEP_NAMES, DEAD_LETTER_KEY];
    for (const variable of ["pii_hash_key_readers", "smtp_url_readers", "url_signers"]) {
      for (const reader of tf.variables[variable]?.default as string[]) {
        assert.ok(functionKeys.includes(reader), `${variable}: ${reader} is a function`);
      }
    }
    assert.deepEqual(tf.variables.pii_hash_key_readers?.default, ["transform"]);
    const accessor = resource(tf, "google_secret_manager_secret_iam_member", "accessor");
    assert.equal(accessor.role, "roles/secretmanager.secretAccessor");
    assert.equal(accessor.for_each, "${local.secret_grants}");
  });

  it("describes every variable", () => {
    for (const [name, variable] of Object.entries(tf.variables)) {
      assert.ok(typeof variable.description === "string" && variable.description.length > 10, name);
    }
  });
});
