// Configuration is parsed and validated once, at the edge (CLI or function start-up), into one typed object,
// from the declarations of options.ts in four layers: defaults < settings file < environment < flags.
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { z } from "zod";
import {
  type OptionDeclaration,
  SECRET_OPTIONS,
  type SecretName,
  SETTING_OPTIONS,
  type SettingPath,
  SETTINGS_SOURCE_OPTIONS,
} from "./options.ts";

/** The settings file in the work dir, read when no other file or PULSE_SETTINGS is given. */
export const SETTINGS_FILE_NAME = "pulse.config.json";
export const SETTINGS_FILE_VERSION = 1;

type Nest<Path extends string, Value> = Path extends `${infer Head}.${infer Rest}`
  ? { [Key in Head]: Nest<Rest, Value> }
  : { [Key in Path]: Value };
type UnionToIntersection<Union> = (Union extends unknown ? (value: Union) => void : never) extends (
  value: infer Intersection,
) => void
  ? Intersection
  : never;
type SettingValues = UnionToIntersection<
  { [Path in SettingPath]: Nest<Path, z.output<(typeof SETTING_OPTIONS)[Path]["schema"]>> }[SettingPath]
>;

export type PulseConfig = SettingValues & {
  /** Where the local warehouse, bucket and outbox live, under the work dir. */
  local: { duckdbPath: string; bucketDir: string; outboxDir: string };
  /** The settings file that was read, if any. */
  settingsFile?: string;
};

export class ConfigError extends Error {
  override name = "ConfigError";
}

export type Env = Record<string, string | undefined>;
/** parseArgs' values, by flag name. */
export type FlagValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface ConfigSources {
  env: Env;
  /** The command line's flags: the highest layer. */
  flags?: FlagValues;
  /** What relative paths (work dir, settings file) are relative to. */
  cwd: string;
}

interface LayerValue {
  value: unknown;
  /** Where the value came from, for error messages: `--days`, `$PULSE_DEMO_DAYS`. */
  origin: string;
}

/** The flag's, else the first set environment variable's text, as the value its kind says. */
function overrideOf(declaration: OptionDeclaration, sources: ConfigSources): LayerValue | undefined {
  const flagged = declaration.flag ? sources.flags?.[declaration.flag] : undefined;
  if (typeof flagged === "string") return fromText(flagged, `--${declaration.flag}`, declaration);
  for (const name of declaration.env ?? []) {
    const text = sources.env[name];
    if (text !== undefined && text !== "") return fromText(text, `$${name}`, declaration);
  }
  return undefined;
}

function fromText(text: string, origin: string, declaration: OptionDeclaration): LayerValue {
  switch (declaration.kind ?? "text") {
    case "number": {
      const value = Number(text);
      if (text.trim() === "" || !Number.isFinite(value))
        throw new ConfigError(`invalid configuration:\n  ${origin}: expected a number, got "${text}"`);
      return { value, origin };
    }
    case "list":
      return {
        value: text
          .split(",")
          .map((item) => item.trim())
          .filter(Boolean),
        origin,
      };
    default:
      return { value: text, origin };
  }
}

/** Removes optional, default and prefault wrappers, to reach an object or record schema. */
function unwrap(schema: unknown): unknown {
  let current = schema;
  while (current instanceof z.ZodType && "innerType" in current._zod.def)
    current = (current._zod.def as { innerType: unknown }).innerType;
  return current;
}

/** The keys a settings object may have at `path`, for the message about an unknown one. */
function allowedKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: unknown = schema;
  for (const key of path) {
    current = unwrap(current);
    if (current instanceof z.ZodObject) current = (current.shape as Record<PropertyKey, unknown>)[key];
    else if (current instanceof z.ZodRecord) current = current._zod.def.valueType;
    else return [];
  }
  current = unwrap(current);
  if (current instanceof z.ZodObject) return Object.keys(current.shape);
  if (current instanceof z.ZodRecord && current._zod.def.keyType instanceof z.ZodEnum)
    return current._zod.def.keyType.options.map(String);
  return [];
}

function describeIssues(error: z.ZodError, schema: z.ZodType, prefix: readonly string[] = []): string[] {
  return error.issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path.map(String)];
    if (issue.code === "unrecognized_keys") {
      const allowed = allowedKeys(schema, issue.path);
      return issue.keys.map(
        (key) => `${[...path, key].join(".")}: unknown setting; allowed here: ${allowed.join(", ")}`,
      );
    }
    return [`${path.join(".") || "(the whole file)"}: ${issue.message}`];
  });
}

type SchemaTree = { [key: string]: SchemaTree | z.ZodType };

function toSchema(tree: SchemaTree): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, node] of Object.entries(tree))
    shape[key] = node instanceof z.ZodType ? node.optional() : toSchema(node).optional();
  return z.strictObject(shape);
}

/** The settings file: `version` and every setting but the work dir, nested by their dotted paths. */
export const SettingsFileSchema: z.ZodType = (() => {
  const tree: SchemaTree = {};
  for (const [path, declaration] of Object.entries(SETTING_OPTIONS) as [string, OptionDeclaration][]) {
    if (declaration.notInSettingsFile) continue;
    const keys = path.split(".");
    let node = tree;
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as SchemaTree;
    node[keys.at(-1) as string] = declaration.schema;
  }
  const schema = toSchema(tree) as z.ZodObject;
  return schema.extend({
    version: z.literal(SETTINGS_FILE_VERSION, `expected ${SETTINGS_FILE_VERSION}`),
  });
})();

function valueAt(document: unknown, path: string): unknown {
  let current = document;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function setAt(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let node = target;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys.at(-1) as string] = value;
}

interface SettingsDocument {
  settings: unknown;
  /** The file read, or the variable that held the JSON. */
  origin: string;
  file?: string;
}

/** PULSE_SETTINGS when set, else the named file (which must exist), else <work dir>/pulse.config.json if there. */
function readSettingsDocument(sources: ConfigSources, workDir: string): SettingsDocument | undefined {
  const json = overrideOf(SETTINGS_SOURCE_OPTIONS.settingsJson, sources);
  const named = overrideOf(SETTINGS_SOURCE_OPTIONS.settingsFile, sources);
  let text: string;
  let origin: string;
  let file: string | undefined;
  if (json) {
    text = String(json.value);
    origin = json.origin;
  } else {
    file = named ? resolve(sources.cwd, String(named.value)) : join(workDir, SETTINGS_FILE_NAME);
    if (!named && !existsSync(file)) return undefined;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      throw new ConfigError(`cannot read the settings file ${file} (${named?.origin}): ${String(error)}`);
    }
    origin = file;
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${origin} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = SettingsFileSchema.safeParse(document);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error, SettingsFileSchema);
    throw new ConfigError(`invalid settings in ${origin}:\n  ${problems.join("\n  ")}`);
  }
  return { settings: parsed.data, origin, file };
}

/**
 * Builds the configuration: every setting of options.ts from its flag, else its environment variable, else the
 * settings file, else its default; then validated, each error naming the setting and where its value came from.
 */
export function loadConfig(sources: ConfigSources): PulseConfig {
  const workDirLayer = overrideOf(SETTING_OPTIONS.workDir, sources);
  const workDirText = String(workDirLayer?.value ?? SETTING_OPTIONS.workDir.default);
  const workDir = isAbsolute(workDirText) ? workDirText : join(sources.cwd, workDirText);
  const document = readSettingsDocument(sources, workDir);

  const config: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [path, declaration] of Object.entries(SETTING_OPTIONS) as [string, OptionDeclaration][]) {
    const fromFile = document ? valueAt(document.settings, path) : undefined;
    const layer: LayerValue =
      overrideOf(declaration, sources) ??
      (fromFile === undefined
        ? { value: declaration.default, origin: "default" }
        : { value: fromFile, origin: document?.origin ?? "" });
    const parsed = declaration.schema.safeParse(layer.value);
    if (parsed.success) setAt(config, path, parsed.data);
    else
      problems.push(
        ...describeIssues(parsed.error, declaration.schema, [path]).map((line) => `${layer.origin}: ${line}`),
      );
  }
  if (problems.length) throw new ConfigError(`invalid configuration:\n  ${problems.join("\n  ")}`);

  setAt(config, "workDir", workDir);
  setAt(config, "local.duckdbPath", join(workDir, "warehouse.duckdb"));
  setAt(config, "local.bucketDir", join(workDir, "bucket"));
  setAt(config, "local.outboxDir", join(workDir, "outbox"));
  if (document?.file) config.settingsFile = document.file;
  return config as PulseConfig;
}

/** The secrets given in the environment (PULSE_PII_HASH_KEY, PULSE_SMTP_URL), validated, for a Secrets port. */
export function secretsFromEnvironment(env: Env): Partial<Record<SecretName, string>> {
  const found: Partial<Record<SecretName, string>> = {};
  const problems: string[] = [];
  for (const [name, declaration] of Object.entries(SECRET_OPTIONS) as [SecretName, OptionDeclaration][]) {
    const given = overrideOf(declaration, { env, cwd: "" });
    if (!given) continue;
    const parsed = declaration.schema.safeParse(given.value);
    // The value itself is never repeated in a message: it is a secret.
    if (parsed.success) found[name] = String(parsed.data);
    else problems.push(...parsed.error.issues.map((issue) => `${given.origin}: ${issue.message}`));
  }
  if (problems.length) throw new ConfigError(`invalid secrets:\n  ${problems.join("\n  ")}`);
  return found;
}
