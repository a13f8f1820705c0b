// Rewrites of the JSON functions.
import { type Call, type Rewrite, scalarOnly } from "../call.ts";
import { JSON_RECORD_FIELD, JSON_RECORD_TEXT_FIELD } from "../json-records.ts";
import { isToken, significant } from "../nodes.ts";
import type { Translator } from "../translator.ts";

export const JSON_FUNCTIONS: Record<string, Rewrite> = {
  // ---- JSON
  // DuckDB's json_value returns the JSON text ("x" with quotes); BigQuery returns the scalar as a string and
  // NULL for objects, arrays and JSON null. json_value already gives NULL for non-scalars; unwrap the rest.
  JSON_VALUE: scalarOnly((call, t) => {
    const [json, path] = t.args(call, 1, 2);
    const recordField = wholeRecordField(call);
    // A field parsed as text is read only under a SAFE_CAST that makes a non-scalar's text NULL (../json-records.ts).
    if (recordField === JSON_RECORD_TEXT_FIELD) return json as string;
    if (recordField === JSON_RECORD_FIELD) return recordFieldValue(json as string);
    return `json_extract_string(json_value(${json}, ${path ?? "'$'"}), '$')`;
  }),
  JSON_EXTRACT_SCALAR: scalarOnly((call, t) => {
    const [json, path] = t.args(call, 1, 2);
    return `json_extract_string(json_value(${json}, ${path ?? "'$'"}), '$')`;
  }),
  JSON_QUERY: scalarOnly((call, t) => {
    const [json, path] = t.args(call, 1, 2);
    return `json_extract(${json}, ${path ?? "'$'"})`;
  }),
  // NULL, not an error or an empty list, when the path does not hold an array.
  JSON_QUERY_ARRAY: scalarOnly((call, t) => jsonArray(call, t, false)),
  JSON_EXTRACT_ARRAY: scalarOnly((call, t) => jsonArray(call, t, false)),
  JSON_VALUE_ARRAY: scalarOnly((call, t) => jsonArray(call, t, true)),
  JSON_EXTRACT_STRING_ARRAY: scalarOnly((call, t) => jsonArray(call, t, true)),
  // json() validates and normalises, as PARSE_JSON does; an invalid document is an error in both.
  PARSE_JSON: scalarOnly((call, t) => `json(${t.args(call, 1, 1)[0]})`),
  // BigQuery serialises a SQL NULL as JSON null; DuckDB's to_json returns SQL NULL.
  TO_JSON: scalarOnly((call, t) => `coalesce(to_json(${t.args(call, 1, 1)[0]}), CAST('null' AS JSON))`),
  TO_JSON_STRING: scalarOnly(
    (call, t) => `coalesce(CAST(to_json(${t.args(call, 1, 1)[0]}) AS VARCHAR), 'null')`,
  ),
};

/**
 * JSON_VALUE(field, '$') on a record field that ../json-records.ts made: which kind of field (a JSON value's text,
 * or a field parsed as text), or undefined for any other call.
 */
function wholeRecordField(call: Call): string | undefined {
  const [field, path] = call.args.map((arg) => significant(arg));
  const only = field?.length === 1 && isToken(field[0]) ? field[0].value : undefined;
  const wholeValue = path === undefined || (path.length === 1 && isToken(path[0]) && path[0].value === "$");
  return wholeValue && (only === JSON_RECORD_FIELD || only === JSON_RECORD_TEXT_FIELD) ? only : undefined;
}

/**
 * A record field's JSON text as JSON_VALUE returns it, without parsing it again where the text already is the
 * value: a string with no escape is what lies between its quotes, a number or boolean is its own text (from_json
 * wrote it as json_value would); an object, an array or null is NULL. Escaped strings are parsed.
 */
function recordFieldValue(field: string): string {
  return [
    `(CASE WHEN starts_with(${field}, '"') THEN`,
    `CASE WHEN contains(${field}, '\\') THEN json_extract_string(${field}, '$')`,
    `ELSE substr(${field}, 2, length(${field}) - 2) END`,
    `WHEN starts_with(${field}, '{') OR starts_with(${field}, '[') OR ${field} = 'null' THEN NULL`,
    `ELSE CAST(${field} AS VARCHAR) END)`,
  ].join(" ");
}

function jsonArray(call: Call, t: Translator, scalars: boolean): string {
  const [json, pathArg] = t.args(call, 1, 2);
  const path = pathArg ?? "'$'";
  const list = `CAST(json_extract(${json}, ${path}) AS JSON[])`;
  const items = scalars
    ? `list_transform(${list}, lambda __e: json_extract_string(json_value(__e, '$'), '$'))`
    : list;
  return `CASE WHEN json_type(${json}, ${path}) = 'ARRAY' THEN ${items} END`;
}

/** JSON_QUERY_ARRAY(doc[, path]) as records, for ../json-records.ts: (doc[, path], the struct spec). */
export const jsonRecords: Rewrite = scalarOnly((call, t) => {
  const [json, path, spec] = t.args(call, 2, 3);
  const document = spec === undefined ? json : `json_extract(${json}, ${path})`;
  return `from_json(${document}, ${spec ?? path})`;
});
