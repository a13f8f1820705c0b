// BigQuery Standard SQL → DuckDB SQL, for running the one copy of the models (sql/) on the local warehouse.
//
// The layer is token-level on purpose: a tokenizer that knows BigQuery's strings, comments, backtick identifiers
// and @params; a tree of bracket groups so calls can be rewritten with their arguments split at top-level commas
// (nested calls just work); then re-emission. A construct this layer does not know is an error naming the
// construct and its position, never a guess: wrong-but-running SQL is the one failure a parity suite cannot see.
//
// The DuckDB session must run DUCKDB_SESSION_SETUP (../session.ts) first and have the built-in icu and json
// extensions loaded. Raw BigQuery TIMESTAMP columns are TIMESTAMPTZ in DuckDB.
import type { Call } from "./call.ts";
import { formatValue, parseFormat } from "./date-formats.ts";
import { type DatePart, WEEKDAYS } from "./date-parts.ts";
import { REWRITES } from "./function-map.ts";
import { IDENTICAL } from "./functions/core.ts";
import {
  blobLiteral,
  inArithmetic,
  isGroup,
  isOp,
  isToken,
  isWord,
  nextSig,
  nodePos,
  NOT_CALLS,
  paren,
  prevSig,
  quoteIdent,
  quoteString,
  significant,
  trimNodes,
  VALUE_WORDS_NOT,
} from "./nodes.ts";
import { buildTree, type Group, type Node, type Token, tokenize } from "./tokenizer.ts";
import { SCALAR_TYPES, TYPED_LITERALS } from "./types.ts";
import { parseJsonRecordsOnce } from "./json-records.ts";
import { selectListUnnest } from "./unnest-join.ts";

export class DialectError extends Error {
  override name = "DialectError";
}

/**
 * `plain`: the call-by-call translation only, without the rewrites that exist for speed (a select-list unnest
 * for CROSS JOIN UNNEST, JSON records parsed once, REGEXP_EXTRACT in one run). Both give the same rows; the
 * plain one is what the fast one is checked against (test/integration/translation-equivalence.test.ts).
 */
export interface TranslationOptions {
  plain?: boolean;
}

export class Translator {
  constructor(
    private readonly sql: string,
    readonly options: TranslationOptions = {},
  ) {}

  fail(message: string, pos: number): never {
    const before = this.sql.slice(0, pos);
    const line = before.split("\n").length;
    const column = pos - before.lastIndexOf("\n");
    throw new DialectError(`BigQuery→DuckDB: ${message} (line ${line}, column ${column})`);
  }

  /** Translates a node list and trims it: one expression. */
  expr(nodes: Node[]): string {
    return this.seq(trimNodes(nodes)).trim();
  }

  /** Translated arguments, checking the count; `raw` positions (date parts such as WEEK(MONDAY)) are left as "". */
  args(call: Call, min: number, max: number, raw: number[] = []): string[] {
    if (call.args.length < min || call.args.length > max) {
      const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
      this.fail(
        `${call.name}() takes ${expected} argument${max === 1 ? "" : "s"}, got ${call.args.length}`,
        call.pos,
      );
    }
    if (
      call.tail.length > 0 &&
      !["STRING_AGG", "ARRAY_AGG", "PERCENTILE_CONT", "PERCENTILE_DISC", "APPROX_QUANTILES"].includes(
        call.name,
      ) &&
      !IDENTICAL.includes(call.name)
    )
      this.fail(
        `${call.name}() does not take ORDER BY / LIMIT / NULLS modifiers`,
        nodePos(call.tail, call.pos),
      );
    return call.args.map((arg, index) => (raw.includes(index) ? "" : this.expr(arg)));
  }

  stringLiteral(nodes: Node[], message: string): string {
    const sig = significant(nodes);
    const token = sig[0];
    if (sig.length !== 1 || !isToken(token) || token.kind !== "string")
      return this.fail(message, nodePos(nodes, 0));
    return token.value;
  }

  integerLiteral(nodes: Node[], message: string): number {
    const sig = significant(nodes);
    const token = sig[0];
    if (sig.length !== 1 || !isToken(token) || token.kind !== "number" || !/^\d+$/.test(token.text))
      return this.fail(message, nodePos(nodes, 0));
    return Number(token.text);
  }

  type(nodes: Node[]): string {
    const sig = significant(nodes);
    const head = sig[0];
    if (!isWord(head)) return this.fail("expected a type name", nodePos(nodes, 0));
    const name = head.text.toUpperCase();
    if (name === "ARRAY") {
      if (!isOp(sig[1], "<") || !isOp(sig[sig.length - 1], ">")) this.fail("expected ARRAY<type>", head.pos);
      return `${this.type(sig.slice(2, -1))}[]`;
    }
    const mapped = SCALAR_TYPES[name];
    if (mapped === undefined) return this.fail(`type ${name} is not supported`, head.pos);
    const params = sig[1];
    if (sig.length > 2 || (params && !isGroup(params)))
      this.fail(`unexpected tokens after type ${name}`, head.pos);
    if (isGroup(params) && (name === "NUMERIC" || name === "DECIMAL"))
      return `DECIMAL(${this.expr(params.items)})`;
    return mapped;
  }

  datePart(nodes: Node[]): DatePart {
    const sig = significant(nodes);
    const head = sig[0];
    if (!isWord(head)) return this.fail("expected a date part such as DAY or MONTH", nodePos(nodes, 0));
    const part = head.text.toUpperCase();
    const weekday = sig[1];
    if (part === "WEEK" && isGroup(weekday) && sig.length === 2) {
      const day = significant(weekday.items)[0];
      const index = isWord(day) ? WEEKDAYS.indexOf(day.text.toUpperCase()) : -1;
      if (index < 0) this.fail("WEEK(<weekday>) needs a weekday name such as MONDAY", weekday.pos);
      return { part, weekStart: index, pos: head.pos };
    }
    if (sig.length !== 1) this.fail(`unexpected tokens after date part ${part}`, head.pos);
    return { part, weekStart: part === "ISOWEEK" ? 1 : 0, pos: head.pos };
  }

  intervalParts(nodes: Node[], allowed: string[]): { amount: string; part: string } {
    const sig = significant(nodes);
    const head = sig[0];
    const last = sig[sig.length - 1];
    if (!isWord(head, "INTERVAL") || !isWord(last) || sig.length < 3)
      return this.fail("expected INTERVAL <n> <part>", nodePos(nodes, 0));
    const part = last.text.toUpperCase();
    if (!allowed.includes(part))
      this.fail(`INTERVAL ... ${part} is not supported here (use ${allowed.join(", ")})`, last.pos);
    const amountNodes = trimNodes(nodes.slice(nodes.indexOf(head) + 1, nodes.indexOf(last)));
    return { amount: paren(this.expr(amountNodes)), part };
  }

  interval(nodes: Node[], allowed: string[]): string {
    const { amount, part } = this.intervalParts(nodes, allowed);
    const fn: Record<string, string> = {
      DAY: "to_days",
      WEEK: "to_weeks",
      MONTH: "to_months",
      QUARTER: "to_months",
      YEAR: "to_years",
    };
    const scaled = part === "QUARTER" ? `${amount} * 3` : amount;
    return `${fn[part]}(CAST(${scaled} AS INTEGER))`;
  }

  format(nodes: Node[], value: string): string {
    const format = this.stringLiteral(nodes, "the format must be a string literal");
    return formatValue(format, value, (message) => this.fail(message, nodePos(nodes, 0)));
  }

  parseFormat(nodes: Node[]): string {
    const format = this.stringLiteral(nodes, "the format must be a string literal");
    const pieces = parseFormat(format, true, (message) => this.fail(message, nodePos(nodes, 0)));
    const piece = pieces[0];
    if (pieces.length !== 1 || !piece || !("strftime" in piece))
      return this.fail("unsupported parse format", nodePos(nodes, 0));
    return quoteString(piece.strftime);
  }

  /** Translates a node sequence, keeping whitespace and comments. */
  seq(nodes: Node[]): string {
    let out = "";
    let i = 0;
    while (i < nodes.length) {
      const node = nodes[i] as Node;
      if (node.kind === "group") {
        out += node.open === "[" ? this.bracket(nodes, i) : `(${this.seq(node.items)})`;
        i++;
        continue;
      }
      switch (node.kind) {
        case "ws":
        case "raw":
          out += node.text;
          i++;
          break;
        case "comment":
          // BigQuery also accepts # comments; DuckDB only -- and /* */.
          out += node.text.startsWith("#") ? `--${node.text.slice(1)}` : node.text;
          i++;
          break;
        case "string":
          // BigQuery escapes were decoded by the tokenizer; DuckDB strings only escape the quote.
          if (node.value.includes("\0")) this.fail("NUL characters in strings are not supported", node.pos);
          out += quoteString(node.value);
          i++;
          break;
        case "bytes":
          out += blobLiteral(node.bytes ?? new Uint8Array());
          i++;
          break;
        case "quoted":
          // `project.dataset.table` is one backtick identifier in BigQuery but a path of names in DuckDB.
          out += node.value.split(".").map(quoteIdent).join(".");
          i++;
          break;
        case "param":
          out += `$${node.value}`;
          i++;
          break;
        case "number": {
          const literal = /^0[xX]/.test(node.text) ? BigInt(node.text).toString() : node.text;
          // BigQuery integer literals are INT64; DuckDB's are INTEGER, so 1000 * 1000 * 86400 overflows.
          out += /^\d+$/.test(literal) && inArithmetic(nodes, i) ? `CAST(${literal} AS BIGINT)` : literal;
          i++;
          break;
        }
        case "op":
          out += node.text;
          i++;
          break;
        case "ident": {
          const result =
            (isWord(node, "FROM") && !this.options.plain && !isOp(nodes[prevSig(nodes, i - 1)], ".")
              ? selectListUnnest(this, nodes, i)
              : undefined) ?? this.ident(nodes, i);
          out += result.sql;
          i = result.next;
          break;
        }
      }
    }
    return out;
  }

  private ident(nodes: Node[], i: number): { sql: string; next: number } {
    const token = nodes[i] as Token;
    const word = token.text.toUpperCase();
    const prev = nodes[prevSig(nodes, i - 1)];
    if (isOp(prev, ".")) return { sql: token.text, next: i + 1 };

    // A dotted name followed by "(" is a qualified function such as SAFE.PARSE_DATE or NET.HOST.
    const names = [token.text];
    let end = i;
    while (isOp(nodes[end + 1], ".") && isWord(nodes[end + 2])) {
      names.push((nodes[end + 2] as Token).text);
      end += 2;
    }
    const groupAt = nextSig(nodes, end + 1);
    const group = nodes[groupAt];

    if (names.length === 1 && ["PIVOT", "UNPIVOT", "TABLESAMPLE"].includes(word))
      this.fail(`${word} is not supported`, token.pos);
    if (isGroup(group)) {
      const name = names.join(".").toUpperCase();
      if (names.length === 1 && (NOT_CALLS.has(word) || isWord(prev, "INTO", "TABLE", "VIEW", "FUNCTION"))) {
        // `SELECT * EXCEPT (a, b)` is DuckDB's `* EXCLUDE (a, b)`; EXCEPT DISTINCT stays a set operation.
        if (word === "EXCEPT" && isOp(prev, "*")) return { sql: "EXCLUDE", next: i + 1 };
        return { sql: token.text, next: i + 1 };
      }
      if (word === "REPLACE" && isOp(prev, "*")) return { sql: token.text, next: i + 1 };
      if (word === "UNNEST" && names.length === 1) return this.unnest(nodes, i, groupAt, group);
      const rewrite = REWRITES[name];
      if (!rewrite) {
        const kind = names.length > 1 ? "function (or UDF)" : "function";
        return this.fail(`unsupported BigQuery ${kind} ${names.join(".")}()`, token.pos);
      }
      const call = this.call(name, token.pos, group);
      let next = groupAt + 1;
      const overAt = nextSig(nodes, next);
      if (isWord(nodes[overAt], "OVER")) {
        const windowAt = nextSig(nodes, overAt + 1);
        const window = nodes[windowAt];
        if (isGroup(window)) call.over = ` OVER (${this.seq(window.items)})`;
        else if (isWord(window)) call.over = ` OVER ${window.text}`;
        else this.fail("expected a window after OVER", nodes[overAt]?.pos ?? token.pos);
        next = windowAt + 1;
      }
      return { sql: rewrite(call, this), next };
    }

    if (names.length === 1) {
      const following = nodes[nextSig(nodes, i + 1)];
      if (isToken(following) && following.kind === "string") {
        const literalType = TYPED_LITERALS[word];
        if (literalType)
          return {
            sql: `CAST(${quoteString(following.value)} AS ${literalType})`,
            next: nextSig(nodes, i + 1) + 1,
          };
      }
      if (word === "AS" && isWord(prev, "SELECT") && isWord(following, "STRUCT", "VALUE"))
        this.fail(`SELECT AS ${following.text.toUpperCase()} is not supported`, token.pos);
      if (word === "ARRAY" && isOp(following, "<"))
        this.fail(
          "typed array literals ARRAY<T>[...] are not supported; use CAST([...] AS ARRAY<T>)",
          token.pos,
        );
      if (word === "STRUCT" && isOp(following, "<"))
        this.fail("typed STRUCT<...> is not supported", token.pos);
      if (word === "FOR" && isWord(following, "SYSTEM_TIME"))
        this.fail("FOR SYSTEM_TIME AS OF is not supported", token.pos);
    }
    return { sql: token.text, next: i + 1 };
  }

  private call(name: string, pos: number, group: Group): Call {
    const args: Node[][] = [];
    let current: Node[] = [];
    let tail: Node[] = [];
    group.items.forEach((node, index) => {
      if (tail.length > 0) return;
      const after = group.items[nextSig(group.items, index + 1)];
      const startsTail =
        (isWord(node, "ORDER") && isWord(after, "BY")) ||
        isWord(node, "LIMIT") ||
        (isWord(node, "IGNORE", "RESPECT") && isWord(after, "NULLS"));
      if (startsTail) tail = group.items.slice(index);
      else if (isOp(node, ",")) {
        args.push(trimNodes(current));
        current = [];
      } else current.push(node);
    });
    const last = trimNodes(current);
    if (last.length > 0 || args.length > 0) args.push(last);
    args.forEach((arg) => {
      if (arg.length === 0) this.fail(`empty argument in ${name}()`, group.pos);
    });
    return { name, args, tail: trimNodes(tail), over: "", pos };
  }

  private unnest(nodes: Node[], i: number, groupAt: number, group: Group): { sql: string; next: number } {
    const token = nodes[i] as Token;
    const call = this.call("UNNEST", token.pos, group);
    const [array] = this.args(call, 1, 1);
    // `x IN UNNEST(arr)` is membership; DuckDB takes the same meaning from a one-column subquery.
    if (isWord(nodes[prevSig(nodes, i - 1)], "IN"))
      return { sql: `(SELECT unnest(${array}))`, next: groupAt + 1 };

    // In FROM, BigQuery's alias names the element VALUE; DuckDB's alias names the table, so name both.
    let at = nextSig(nodes, groupAt + 1);
    if (isWord(nodes[at], "AS")) at = nextSig(nodes, at + 1);
    const aliasToken = nodes[at];
    const isAlias =
      isToken(aliasToken) &&
      (aliasToken.kind === "quoted" ||
        (aliasToken.kind === "ident" &&
          !NOT_CALLS.has(aliasToken.text.toUpperCase()) &&
          !isWord(aliasToken, "LEFT", "RIGHT", "CROSS", "INNER", "FULL", "JOIN")));
    if (!isAlias)
      return this.fail("UNNEST(...) in FROM needs an alias for its element (UNNEST(x) AS item)", token.pos);
    const aliasName = aliasToken.kind === "quoted" ? aliasToken.value : aliasToken.text;
    const alias = aliasToken.kind === "quoted" ? quoteIdent(aliasName) : aliasName;
    const table = quoteIdent(`${aliasName}__unnest`);
    let next = at + 1;

    const withAt = nextSig(nodes, next);
    const offsetAt = nextSig(nodes, withAt + 1);
    if (isWord(nodes[withAt], "WITH") && isWord(nodes[offsetAt], "OFFSET")) {
      let posAt = nextSig(nodes, offsetAt + 1);
      if (isWord(nodes[posAt], "AS")) posAt = nextSig(nodes, posAt + 1);
      const posToken = nodes[posAt];
      let position = "offset";
      if (
        isToken(posToken) &&
        (posToken.kind === "quoted" ||
          (posToken.kind === "ident" && !NOT_CALLS.has(posToken.text.toUpperCase())))
      ) {
        position = posToken.kind === "quoted" ? quoteIdent(posToken.value) : posToken.text;
        next = posAt + 1;
      } else {
        next = offsetAt + 1;
      }
      // WITH ORDINALITY counts from 1; BigQuery's OFFSET counts from 0.
      const sql = `(SELECT __u.${alias}, __u.__ordinal - 1 AS ${position} FROM UNNEST(${array}) WITH ORDINALITY AS __u(${alias}, __ordinal)) AS ${table}`;
      return { sql, next };
    }
    return { sql: `UNNEST(${array}) AS ${table}(${alias})`, next };
  }

  private bracket(nodes: Node[], i: number): string {
    const group = nodes[i] as Group;
    const sig = significant(group.items);
    const head = sig[0];
    const inner = sig[1];
    if (
      sig.length === 2 &&
      isWord(head, "OFFSET", "SAFE_OFFSET", "ORDINAL", "SAFE_ORDINAL") &&
      isGroup(inner)
    ) {
      // BigQuery arrays are indexed from 0 (OFFSET) or 1 (ORDINAL); DuckDB lists from 1 and read negatives from the end.
      const zeroBased = /OFFSET/.test(head.text.toUpperCase());
      const index = this.expr(inner.items);
      if (/^\d+$/.test(index)) return `[${Number(index) + (zeroBased ? 1 : 0)}]`;
      return zeroBased
        ? `[CASE WHEN ${paren(index)} >= 0 THEN ${paren(index)} + 1 END]`
        : `[CASE WHEN ${paren(index)} >= 1 THEN ${index} END]`;
    }
    const prev = nodes[prevSig(nodes, i - 1)];
    const isSubscript =
      prev !== undefined &&
      (prev.kind === "group" ||
        (isToken(prev) &&
          (prev.kind === "quoted" ||
            prev.kind === "param" ||
            (prev.kind === "ident" && !VALUE_WORDS_NOT.has(prev.text.toUpperCase())))));
    if (isSubscript)
      this.fail("array subscripts need OFFSET(i), SAFE_OFFSET(i), ORDINAL(i) or SAFE_ORDINAL(i)", group.pos);
    return `[${this.seq(group.items)}]`;
  }
}

/** Translates one BigQuery Standard SQL statement (or script of statements) into DuckDB SQL. */
export function translateToDuckDb(bigQuerySql: string, options: TranslationOptions = {}): string {
  const translator = new Translator(bigQuerySql, options);
  const fail = (message: string, pos: number): never => translator.fail(message, pos);
  const tree = buildTree(tokenize(bigQuerySql, fail), fail);
  if (!options.plain) parseJsonRecordsOnce(tree);
  return translator.seq(tree);
}
