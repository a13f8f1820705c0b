// `FROM t CROSS JOIN UNNEST(t.array) AS item` — BigQuery's correlated unnest — as a select-list unnest.
//
// DuckDB plans a correlated UNNEST in FROM as a lateral join: it collects the distinct values of every column the
// array expression reads, unnests each, and hash-joins the result back on those columns. When the array is a JSON
// document per row (an order's line items), that is a hash join keyed on each row's whole JSON text. A select-list
// unnest of the same expression gives the same rows (none for a NULL or empty array, as CROSS JOIN UNNEST) with no
// join at all, so the translation turns
//
//   FROM t [AS a] CROSS JOIN UNNEST(x) AS item [WITH OFFSET AS pos] [CROSS JOIN UNNEST(y) AS item2 ...]
// into
//   FROM (SELECT a.*, unnest(x) AS item[, generate_subscripts(x, 1) - 1 AS pos] FROM t AS a) AS a
//
// (a comma instead of CROSS JOIN is the same join). Only that shape is rewritten: a table name or a parenthesised
// subquery, inner joins only, and no `a.*` elsewhere in the same query (the derived table also carries the
// element columns, which `a.*` must not return). Anything else keeps the general lateral translation.
import { isGroup, isOp, isToken, isWord, nextSig, NOT_CALLS, quoteIdent, significant } from "./nodes.ts";
import type { Group, Node, Token } from "./tokenizer.ts";
import type { Translator } from "./translator.ts";

interface UnnestItem {
  array: Node[];
  element: string;
  position?: string;
}

const JOIN_WORDS = ["LEFT", "RIGHT", "CROSS", "INNER", "FULL", "JOIN", "ON", "USING", "WITH"];

/** An alias token (`AS` already skipped): an identifier that is not a keyword, or a backtick name. */
function aliasAt(nodes: Node[], at: number): Token | undefined {
  const node = nodes[at];
  if (!isToken(node)) return undefined;
  if (node.kind === "quoted") return node;
  if (node.kind === "ident" && !NOT_CALLS.has(node.text.toUpperCase()) && !isWord(node, ...JOIN_WORDS))
    return node;
  return undefined;
}

const aliasSql = (token: Token): string => (token.kind === "quoted" ? quoteIdent(token.value) : token.text);

/** Skips an optional AS and reads an alias; `next` is the node after it. */
function readAlias(nodes: Node[], from: number): { token: Token; next: number } | undefined {
  let at = nextSig(nodes, from);
  if (isWord(nodes[at], "AS")) at = nextSig(nodes, at + 1);
  const token = aliasAt(nodes, at);
  return token ? { token, next: at + 1 } : undefined;
}

/** `CROSS JOIN UNNEST(...) AS item [WITH OFFSET [AS] pos]` or `, UNNEST(...) item` starting at `from`. */
function readUnnest(nodes: Node[], from: number): { item: UnnestItem; next: number } | undefined {
  let at = nextSig(nodes, from);
  if (isWord(nodes[at], "CROSS") && isWord(nodes[nextSig(nodes, at + 1)], "JOIN"))
    at = nextSig(nodes, nextSig(nodes, at + 1) + 1);
  else if (isOp(nodes[at], ",")) at = nextSig(nodes, at + 1);
  else return undefined;
  if (!isWord(nodes[at], "UNNEST")) return undefined;
  const groupAt = nextSig(nodes, at + 1);
  const group = nodes[groupAt];
  // One argument (more is an error the general translation reports).
  if (!isGroup(group) || group.items.some((node) => isOp(node, ","))) return undefined;
  const alias = readAlias(nodes, groupAt + 1);
  if (!alias) return undefined;
  const item: UnnestItem = { array: group.items, element: aliasSql(alias.token) };
  let next = alias.next;
  const withAt = nextSig(nodes, next);
  const offsetAt = nextSig(nodes, withAt + 1);
  if (isWord(nodes[withAt], "WITH") && isWord(nodes[offsetAt], "OFFSET")) {
    const position = readAlias(nodes, offsetAt + 1);
    // Without a name BigQuery calls the column `offset`.
    item.position = position ? aliasSql(position.token) : "offset";
    next = position ? position.next : offsetAt + 1;
  }
  return { item, next };
}

/** Whether `alias.*` occurs in the query (the nodes of its level and the groups below). */
function selectsAllOf(nodes: Node[], alias: string): boolean {
  const sig = significant(nodes);
  return sig.some((node, index) => {
    if (isGroup(node) || isGroup(node, "[")) return selectsAllOf((node as Group).items, alias);
    return (
      isToken(node) &&
      (node.kind === "ident" || node.kind === "quoted") &&
      aliasSql(node) === alias &&
      isOp(sig[index + 1], ".") &&
      isOp(sig[index + 2], "*")
    );
  });
}

/**
 * The rewrite of `FROM <source> [AS alias] CROSS JOIN UNNEST(...) ...` starting at the FROM at `i`, or undefined
 * when the FROM clause is not of that shape (the caller then translates it as usual).
 */
export function selectListUnnest(
  t: Translator,
  nodes: Node[],
  i: number,
): { sql: string; next: number } | undefined {
  const sourceAt = nextSig(nodes, i + 1);
  const source = nodes[sourceAt];
  let sourceEnd = sourceAt;
  let implicitAlias: string | undefined;
  if (isGroup(source)) {
    implicitAlias = undefined;
  } else if (isToken(source) && (source.kind === "ident" || source.kind === "quoted")) {
    if (source.kind === "ident" && (NOT_CALLS.has(source.text.toUpperCase()) || isWord(source, "UNNEST")))
      return undefined;
    let last: Token = source;
    while (isOp(nodes[sourceEnd + 1], ".") && isToken(nodes[sourceEnd + 2])) {
      last = nodes[sourceEnd + 2] as Token;
      if (last.kind !== "ident" && last.kind !== "quoted") return undefined;
      sourceEnd += 2;
    }
    // A table-valued function, not a table.
    if (isGroup(nodes[nextSig(nodes, sourceEnd + 1)])) return undefined;
    implicitAlias =
      last.kind === "quoted" ? quoteIdent(last.value.split(".").pop() ?? last.value) : last.text;
  } else {
    return undefined;
  }
  const explicit = readAlias(nodes, sourceEnd + 1);
  const alias = explicit ? aliasSql(explicit.token) : implicitAlias;
  if (!alias) return undefined;
  let next = explicit ? explicit.next : sourceEnd + 1;

  const items: UnnestItem[] = [];
  for (;;) {
    const unnest = readUnnest(nodes, next);
    if (!unnest) break;
    items.push(unnest.item);
    next = unnest.next;
  }
  if (items.length === 0 || selectsAllOf(nodes, alias)) return undefined;

  let from = `${t.seq(nodes.slice(sourceAt, sourceEnd + 1))} AS ${alias}`;
  for (const item of items) {
    const array = t.expr(item.array);
    const position = item.position ? `, generate_subscripts(${array}, 1) - 1 AS ${item.position}` : "";
    from = `(SELECT ${alias}.*, unnest(${array}) AS ${item.element}${position} FROM ${from}) AS ${alias}`;
  }
  return { sql: `FROM ${from}`, next };
}
