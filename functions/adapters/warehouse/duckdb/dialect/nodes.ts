// Small helpers over the token tree: classifying and navigating nodes, and quoting what is emitted.
import type { Group, Node, Token } from "./tokenizer.ts";

export const isToken = (node: Node | undefined): node is Token => node !== undefined && node.kind !== "group";
export const isGroup = (node: Node | undefined, open: "(" | "[" = "("): node is Group =>
  node !== undefined && node.kind === "group" && node.open === open;
export const isTrivia = (node: Node | undefined): boolean =>
  isToken(node) && (node.kind === "ws" || node.kind === "comment");
export const isWord = (node: Node | undefined, ...words: string[]): node is Token =>
  isToken(node) && node.kind === "ident" && (words.length === 0 || words.includes(node.text.toUpperCase()));
export const isOp = (node: Node | undefined, op: string): node is Token =>
  isToken(node) && node.kind === "op" && node.text === op;

export function nextSig(nodes: Node[], from: number): number {
  let i = from;
  while (i < nodes.length && isTrivia(nodes[i])) i++;
  return i;
}

export function prevSig(nodes: Node[], from: number): number {
  let i = from;
  while (i >= 0 && isTrivia(nodes[i])) i--;
  return i;
}

export const significant = (nodes: Node[]): Node[] => nodes.filter((node) => !isTrivia(node));

export function trimNodes(nodes: Node[]): Node[] {
  let start = 0;
  let end = nodes.length;
  while (start < end && isTrivia(nodes[start])) start++;
  while (end > start && isTrivia(nodes[end - 1])) end--;
  return nodes.slice(start, end);
}

/** Splits on the first top-level occurrence of a keyword; `null` when it is absent. */
export function splitOnWord(nodes: Node[], word: string, last = false): [Node[], Node[]] | null {
  let at = -1;
  nodes.forEach((node, index) => {
    if (isWord(node, word) && (last || at < 0)) at = index;
  });
  return at < 0 ? null : [trimNodes(nodes.slice(0, at)), trimNodes(nodes.slice(at + 1))];
}

export const nodePos = (nodes: Node[], fallback: number): number => nodes[0]?.pos ?? fallback;

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;
export const quoteString = (value: string): string => `'${value.replaceAll("'", "''")}'`;

/** Parenthesises an emitted expression unless it is obviously atomic (arity is checked before, hence `?? ""`). */
export function paren(emitted: string | undefined): string {
  const sql = emitted ?? "";
  return /^(?:[A-Za-z_][\w.]*|\$\w+|\d+(?:\.\d+)?|'(?:[^']|'')*'|"(?:[^"]|"")*"(?:\."(?:[^"]|"")*")*)$/.test(
    sql,
  )
    ? sql
    : `(${sql})`;
}

export function blobLiteral(bytes: Uint8Array): string {
  let body = "";
  for (const byte of bytes) {
    // DuckDB's VARCHAR→BLOB cast reads \xHH escapes, so the backslash itself must be escaped too.
    body +=
      byte >= 0x20 && byte < 0x7f && byte !== 0x5c && byte !== 0x27
        ? String.fromCharCode(byte)
        : `\\x${byte.toString(16).padStart(2, "0").toUpperCase()}`;
  }
  return `CAST('${body}' AS BLOB)`;
}

// Keywords that can be followed by "(" without being a function call.
export const NOT_CALLS = new Set(
  (
    "ALL AND ANY ARRAY AS ASC BETWEEN BY CASE CROSS CUBE CURRENT DELETE DESC DISTINCT ELSE END ESCAPE EXCEPT EXISTS " +
    "FOLLOWING FOR FROM FULL GROUP GROUPING HAVING IN INNER INSERT INTERSECT INTERVAL INTO IS JOIN LATERAL LIKE LIMIT " +
    "MATCHED MERGE NOT NULLS OFFSET ON OR ORDER OUTER OVER PARTITION PRECEDING QUALIFY RANGE RECURSIVE RETURNS ROLLUP " +
    "ROW ROWS SELECT SET SETS SOME TABLE THEN UNBOUNDED UNION UPDATE USING VALUES VIEW WHEN WHERE WINDOW WITH"
  ).split(" "),
);

// Words after which a "[...]" is an array literal rather than a subscript.
export const VALUE_WORDS_NOT = new Set([...NOT_CALLS, "RETURN"]);

const ARITHMETIC = new Set(["*", "+", "-", "/", "%"]);

/** Whether the literal at `i` is an operand of a binary arithmetic operator (not a unary minus). */
export function inArithmetic(nodes: Node[], i: number): boolean {
  const next = nodes[nextSig(nodes, i + 1)];
  if (isToken(next) && next.kind === "op" && ARITHMETIC.has(next.text)) return true;
  const prevAt = prevSig(nodes, i - 1);
  const prev = nodes[prevAt];
  if (!isToken(prev) || prev.kind !== "op" || !ARITHMETIC.has(prev.text)) return false;
  const operand = nodes[prevSig(nodes, prevAt - 1)];
  if (operand === undefined) return false;
  if (operand.kind === "group") return true;
  return operand.kind !== "op" && !(operand.kind === "ident" && NOT_CALLS.has(operand.text.toUpperCase()));
}
