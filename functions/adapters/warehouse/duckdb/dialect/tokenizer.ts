// BigQuery SQL as tokens (strings, comments, backtick identifiers, @params decoded) and a tree of bracket
// groups, so calls can be rewritten with their arguments split at top-level commas.

// "raw" is never read from SQL: rewrites of the tree (json-records.ts) put DuckDB text there, emitted as it is.
type TokenKind =
  "ws" | "comment" | "string" | "bytes" | "ident" | "quoted" | "param" | "number" | "op" | "raw";

export interface Token {
  kind: TokenKind;
  /** Source text (comments, whitespace, operators, identifiers, numbers). */
  text: string;
  /** Decoded value: string contents, backtick identifier contents, parameter name. */
  value: string;
  bytes?: Uint8Array;
  pos: number;
}

export interface Group {
  kind: "group";
  open: "(" | "[";
  items: Node[];
  pos: number;
}

export type Node = Token | Group;

const SIMPLE_ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  "?": "?",
  '"': '"',
  "'": "'",
  "`": "`",
};

export function tokenize(sql: string, fail: (message: string, pos: number) => never): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, start: number, value = "", bytes?: Uint8Array): void => {
    const token: Token = { kind, text: sql.slice(start, i), value, pos: start };
    if (bytes) token.bytes = bytes;
    tokens.push(token);
  };
  while (i < sql.length) {
    const start = i;
    const ch = sql[i] as string;
    const next = sql[i + 1] ?? "";
    if (/\s/.test(ch)) {
      while (i < sql.length && /\s/.test(sql[i] as string)) i++;
      push("ws", start);
    } else if ((ch === "-" && next === "-") || ch === "#") {
      while (i < sql.length && sql[i] !== "\n") i++;
      push("comment", start);
    } else if (ch === "/" && next === "*") {
      const end = sql.indexOf("*/", i + 2);
      if (end < 0) fail("unterminated /* comment", start);
      i = end + 2;
      push("comment", start);
    } else if (/[A-Za-z_]/.test(ch)) {
      while (i < sql.length && /[A-Za-z0-9_]/.test(sql[i] as string)) i++;
      const word = sql.slice(start, i);
      const quote = sql[i];
      // A prefix glued to a quote makes a raw (r), bytes (b) or raw-bytes string literal.
      if ((quote === "'" || quote === '"') && /^(r|b|rb|br)$/i.test(word)) {
        const raw = /r/i.test(word);
        const isBytes = /b/i.test(word);
        const literal = readString(sql, i, raw, isBytes, fail);
        i = literal.end;
        if (isBytes) push("bytes", start, "", literal.bytes);
        else push("string", start, literal.value);
      } else {
        push("ident", start, word);
      }
    } else if (ch === "'" || ch === '"') {
      const literal = readString(sql, i, false, false, fail);
      i = literal.end;
      push("string", start, literal.value);
    } else if (ch === "`") {
      let value = "";
      i++;
      while (i < sql.length && sql[i] !== "`") {
        if (sql[i] === "\\" && i + 1 < sql.length) i++;
        value += sql[i];
        i++;
      }
      if (i >= sql.length) fail("unterminated `identifier`", start);
      i++;
      push("quoted", start, value);
    } else if (ch === "@") {
      if (next === "@") fail("@@system variables are not supported", start);
      i++;
      while (i < sql.length && /[A-Za-z0-9_]/.test(sql[i] as string)) i++;
      if (i === start + 1) fail("'@' must start a parameter name", start);
      push("param", start, sql.slice(start + 1, i));
    } else if (/[0-9]/.test(ch) || (ch === "." && /[0-9]/.test(next))) {
      if (ch === "0" && /[xX]/.test(next)) {
        i += 2;
        while (i < sql.length && /[0-9A-Fa-f]/.test(sql[i] as string)) i++;
      } else {
        while (i < sql.length && /[0-9.]/.test(sql[i] as string)) i++;
        if (/[eE]/.test(sql[i] ?? "")) {
          i++;
          if (/[+-]/.test(sql[i] ?? "")) i++;
          while (i < sql.length && /[0-9]/.test(sql[i] as string)) i++;
        }
      }
      push("number", start);
    } else {
      const two = sql.slice(i, i + 2);
      i += ["||", "<=", ">=", "<>", "!=", "<<", ">>", "=>"].includes(two) ? 2 : 1;
      push("op", start);
    }
  }
  return tokens;
}

function readString(
  sql: string,
  quoteAt: number,
  raw: boolean,
  isBytes: boolean,
  fail: (message: string, pos: number) => never,
): { value: string; bytes: Uint8Array; end: number } {
  const quoteChar = sql[quoteAt] as string;
  const triple = sql.startsWith(quoteChar.repeat(3), quoteAt);
  const close = triple ? quoteChar.repeat(3) : quoteChar;
  let i = quoteAt + close.length;
  // Bytes literals may spell raw bytes (\xFF) that are not UTF-8, so they are collected as bytes.
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  const addText = (text: string): void => {
    for (const byte of encoder.encode(text)) bytes.push(byte);
  };
  while (true) {
    if (i >= sql.length) fail("unterminated string literal", quoteAt);
    if (sql.startsWith(close, i))
      return {
        value: new TextDecoder().decode(new Uint8Array(bytes)),
        bytes: new Uint8Array(bytes),
        end: i + close.length,
      };
    const ch = sql[i] as string;
    if (!triple && ch === "\n") fail("newline inside a single-quoted string literal", quoteAt);
    if (ch !== "\\") {
      const codePoint = sql.codePointAt(i) as number;
      const text = String.fromCodePoint(codePoint);
      addText(text);
      i += text.length;
      continue;
    }
    const esc = sql[i + 1] ?? "";
    if (raw) {
      // Raw strings keep the backslash; it only stops the next character from closing the literal.
      addText(`\\${esc}`);
      i += 2;
      continue;
    }
    const simple = SIMPLE_ESCAPES[esc];
    if (simple !== undefined) {
      addText(simple);
      i += 2;
    } else if (/[0-7]/.test(esc)) {
      const digits = sql.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(digits)) fail("octal escapes need three digits", i);
      if (isBytes) bytes.push(Number.parseInt(digits, 8));
      else addText(String.fromCodePoint(Number.parseInt(digits, 8)));
      i += 4;
    } else if (esc === "x" || esc === "X") {
      const digits = sql.slice(i + 2, i + 4);
      if (!/^[0-9A-Fa-f]{2}$/.test(digits)) fail("\\x escapes need two hex digits", i);
      if (isBytes) bytes.push(Number.parseInt(digits, 16));
      else addText(String.fromCodePoint(Number.parseInt(digits, 16)));
      i += 4;
    } else if (esc === "u" || esc === "U") {
      const length = esc === "u" ? 4 : 8;
      const digits = sql.slice(i + 2, i + 2 + length);
      if (!new RegExp(`^[0-9A-Fa-f]{${length}}$`).test(digits))
        fail(`\\${esc} escapes need ${length} hex digits`, i);
      addText(String.fromCodePoint(Number.parseInt(digits, 16)));
      i += 2 + length;
    } else {
      fail(`unknown escape \\${esc} in string literal`, i);
    }
  }
}

export function buildTree(tokens: Token[], fail: (message: string, pos: number) => never): Node[] {
  const root: Node[] = [];
  const stack: { group: Group | null; items: Node[] }[] = [{ group: null, items: root }];
  for (const token of tokens) {
    const top = stack[stack.length - 1] as { group: Group | null; items: Node[] };
    if (token.kind === "op" && (token.text === "(" || token.text === "[")) {
      const group: Group = { kind: "group", open: token.text, items: [], pos: token.pos };
      top.items.push(group);
      stack.push({ group, items: group.items });
    } else if (token.kind === "op" && (token.text === ")" || token.text === "]")) {
      const expected = top.group?.open === "(" ? ")" : "]";
      if (!top.group || token.text !== expected) fail(`unbalanced '${token.text}'`, token.pos);
      stack.pop();
    } else {
      top.items.push(token);
    }
  }
  const unclosed = stack[stack.length - 1]?.group;
  if (unclosed) fail(`unclosed '${unclosed.open}'`, unclosed.pos);
  return root;
}
