// `CROSS JOIN UNNEST(JSON_QUERY_ARRAY(doc)) AS item` whose `item` is only ever read by field — JSON_VALUE(item,
// '$.price'), JSON_QUERY_ARRAY(item, '$.transactions') — parsed once per document into records.
//
// Translated one call at a time, every JSON_VALUE(item, '$.f') re-parses the element's text, and the unnest
// itself parses the document and writes every element back out as text: for an order's line items that is one
// parse of the order and nine of each line (6.4 s of CPU for 1.7 M lines). DuckDB's from_json parses the document
// once into a list of structs whose fields stay JSON text (a struct field per first path step), so
//
//   UNNEST(JSON_QUERY_ARRAY(doc[, '$.path'])) AS item ... JSON_VALUE(item, '$.a.b')
// becomes
//   UNNEST(from_json(doc, '[{"a":"JSON",...}]')) AS item ... JSON_VALUE(struct_extract(item, 'a'), '$.b')
//
// and the remaining JSON_VALUE reads only the field's own short text; `JSON_VALUE(item, '$.a')` reads none at all
// (functions/json.ts unwraps the field's text with string functions: a JSON scalar is written by the same parser
// either way, so the text is the same, and strings without escapes are the text between the quotes). It is the
// same value: from_json gives NULL
// for a document (or path) that is not an array, as JSON_QUERY_ARRAY does; a NULL struct field for a missing
// key, JSON null or an element that is not an object, where JSON_VALUE(item, '$.a') is NULL; and keys match
// case-sensitively with the first of duplicate keys winning, as json_value. JSON_QUERY is left alone: it returns
// JSON null as 'null' where a struct field is SQL NULL. Any other use of `item` (bare, qualified, in another
// function, with a path that is not `$.name.name…`) keeps the call-by-call translation, as does a query level
// holding a set operation (its branches may reuse the alias for something else).
//
// A field read only as `SAFE_CAST(JSON_VALUE(item, '$.a') AS <a number, BOOL, DATE or TIMESTAMP>)` is parsed
// as text (VARCHAR): from_json gives a string unescaped and any other value as the JSON text the same parser
// writes for a JSON field, so strings, numbers, booleans and null read as JSON_VALUE reads them; an object or an
// array becomes its text where JSON_VALUE gives NULL, and no such text casts to those types, so the SAFE_CAST is
// NULL either way. It spares every row the unwrapping above: a million orders' line items built whole in 2.54 s
// against 2.70 s (medians of 6 alternating builds, 4.6 s of processor time against 5.1 s, 2026-12-06). A field read
// any other way keeps the JSON text.
import { isGroup, isOp, isToken, isWord, nextSig, prevSig, significant } from "./nodes.ts";
import type { Group, Node, Token } from "./tokenizer.ts";
import { SCALAR_TYPES } from "./types.ts";

/** The name the rewritten unnest's array is called by; functions/json.ts translates it to from_json. */
export const JSON_RECORDS_CALL = "__PULSE_JSON_RECORDS";

/** The value of a "raw" token that reads one field of such a record: a JSON scalar's own text, or NULL. */
export const JSON_RECORD_FIELD = "json record field";

/** The value of a "raw" token that reads a field parsed as text: JSON_VALUE's own value, or a non-scalar's text. */
export const JSON_RECORD_TEXT_FIELD = "json record text field";

const FIELD_READERS = ["JSON_VALUE", "JSON_QUERY_ARRAY", "JSON_VALUE_ARRAY"];
const FIELD_PATH = /^\$\.([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z_][A-Za-z0-9_]*)*)$/;
const SET_OPERATIONS = ["UNION", "INTERSECT", "EXCEPT"];
/**
 * The BigQuery types (aliases included; a parameterised type is not a single word) that the translation casts to a
 * DuckDB type no JSON object's or array's text casts to: the argument that a field read only under SAFE_CAST to
 * one of them may be parsed as text rests on the DuckDB cast, so the list follows ./types.ts.
 */
const NON_TEXT_DUCKDB_TYPES = ["BIGINT", "DOUBLE", "DECIMAL(38, 9)", "BOOLEAN", "DATE", "TIMESTAMPTZ"];
const NON_TEXT_TYPES = Object.keys(SCALAR_TYPES).filter((name) =>
  NON_TEXT_DUCKDB_TYPES.includes(SCALAR_TYPES[name] ?? ""),
);

interface FieldRead {
  /** The alias token inside the reader's argument list. */
  items: Node[];
  aliasAt: number;
  path: Token;
  field: string;
  rest: string;
  /** Whether the read is a whole field cast by SAFE_CAST to one of NON_TEXT_TYPES. */
  castToNonText: boolean;
}

/** `SAFE_CAST(JSON_VALUE(...) AS TYPE)`: the cast's argument list is the reader, `AS` and one type word. */
function isSafeCastToNonText(castArgs: Node[] | undefined, castOwner: Node | undefined): boolean {
  if (castArgs === undefined || !isWord(castOwner, "SAFE_CAST")) return false;
  const sig = significant(castArgs);
  return (
    sig.length === 4 &&
    isWord(sig[0], "JSON_VALUE") &&
    isGroup(sig[1]) &&
    isWord(sig[2], "AS") &&
    isWord(sig[3], ...NON_TEXT_TYPES)
  );
}

const sameName = (token: Token, alias: string) =>
  token.kind === "ident" && token.text.toUpperCase() === alias.toUpperCase();

/**
 * Every occurrence of `alias` in `nodes` and the groups below, except `definition`: each as a field read, or
 * undefined when one occurrence is anything else.
 */
function fieldReads(nodes: Node[], alias: string, definition: Token): FieldRead[] | undefined {
  const reads: FieldRead[] = [];
  // `parent` is the list holding `owner` and this group, `parentOwner` the word before that list's group.
  const visit = (items: Node[], owner: Node | undefined, parent?: Node[], parentOwner?: Node): boolean => {
    for (let index = 0; index < items.length; index++) {
      const node = items[index];
      if (isGroup(node) || isGroup(node, "[")) {
        const before = items[prevSig(items, index - 1)];
        if (!visit((node as Group).items, before, items, owner)) return false;
        continue;
      }
      if (!isToken(node) || node === definition || !sameName(node, alias)) continue;
      // Only `READER(alias, '$.field…')`, the whole argument list.
      const sig = significant(items);
      const path = sig[2];
      const match =
        isToken(path) && path.kind === "string" && sig.length === 3 && sig[0] === node && isOp(sig[1], ",")
          ? FIELD_PATH.exec(path.value)
          : null;
      if (!match || !isWord(owner, ...FIELD_READERS) || !isToken(path)) return false;
      const rest = match[2] ?? "";
      const castToNonText = rest === "" && isSafeCastToNonText(parent, parentOwner);
      reads.push({ items, aliasAt: index, path, field: match[1] as string, rest, castToNonText });
    }
    return true;
  };
  return visit(nodes, undefined) ? reads : undefined;
}

/** The `UNNEST(JSON_QUERY_ARRAY(...)) [AS] alias` at `unnestAt`: the call's nodes and the alias token. */
function recordUnnest(nodes: Node[], unnestAt: number): { call: Node[]; alias: Token } | undefined {
  const groupAt = nextSig(nodes, unnestAt + 1);
  const group = nodes[groupAt];
  if (!isGroup(group)) return undefined;
  const inner = significant(group.items);
  if (inner.length !== 2 || !isWord(inner[0], "JSON_QUERY_ARRAY") || !isGroup(inner[1])) return undefined;
  let aliasAt = nextSig(nodes, groupAt + 1);
  if (isWord(nodes[aliasAt], "AS")) aliasAt = nextSig(nodes, aliasAt + 1);
  const alias = nodes[aliasAt];
  if (!isToken(alias) || alias.kind !== "ident" || isWord(alias, "WITH", "CROSS", "JOIN", "ON", "WHERE"))
    return undefined;
  return { call: group.items, alias };
}

/** Rewrites, in place, every unnest of this query level and the levels below that qualifies (see above). */
export function parseJsonRecordsOnce(nodes: Node[]): void {
  for (const node of nodes)
    if (isGroup(node) || isGroup(node, "[")) parseJsonRecordsOnce((node as Group).items);
  if (nodes.some((node) => isWord(node, ...SET_OPERATIONS))) return;
  nodes.forEach((node, index) => {
    if (!isWord(node, "UNNEST")) return;
    const before = nodes[prevSig(nodes, index - 1)];
    if (!isWord(before, "JOIN") && !isOp(before, ",")) return;
    const unnest = recordUnnest(nodes, index);
    if (!unnest) return;
    const reads = fieldReads(nodes, unnest.alias.text, unnest.alias);
    if (!reads || reads.length === 0) return;
    const fields = [...new Set(reads.map((read) => read.field))];
    const textFields = new Set(
      fields.filter((field) => reads.every((read) => read.field !== field || read.castToNonText)),
    );
    const spec = `[{${fields.map((field) => `"${field}":"${textFields.has(field) ? "VARCHAR" : "JSON"}"`).join(",")}}]`;
    for (const read of reads) {
      const alias = read.items[read.aliasAt] as Token;
      read.items[read.aliasAt] = {
        kind: "raw",
        text: `struct_extract(${alias.text}, '${read.field}')`,
        value: textFields.has(read.field) ? JSON_RECORD_TEXT_FIELD : JSON_RECORD_FIELD,
        pos: alias.pos,
      };
      const path = `$${read.rest}`;
      read.items[read.items.indexOf(read.path)] = { ...read.path, text: `'${path}'`, value: path };
    }
    const nameAt = unnest.call.findIndex((item) => isWord(item, "JSON_QUERY_ARRAY"));
    const name = unnest.call[nameAt] as Token;
    unnest.call[nameAt] = { ...name, text: JSON_RECORDS_CALL };
    const args = unnest.call[nextSig(unnest.call, nameAt + 1)] as Group;
    args.items.push(
      { kind: "op", text: ",", value: "", pos: name.pos },
      { kind: "string", text: `'${spec}'`, value: spec, pos: name.pos },
    );
  });
}
