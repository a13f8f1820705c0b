// The requested cost of a GraphQL Admin API query by Shopify's documented rules (shopify.dev, "GraphQL Admin API
// rate limits", Cost calculation): a scalar or enum costs 0, an object 1, a connection 2 plus its page size
// (`first` or `last`) times the cost of one node, a mutation 10; an inline fragment's fields count as the enclosing
// object's. Shopify refuses, before running it, a query whose requested cost is over 1000 (the single query
// limit), so the local server must too. Lists without a page size (an order's refunds, its custom attributes) are
// costed as one object, the way the rules price an object field.

/** The most a single query may request. */
export const SHOPIFY_MAX_QUERY_COST = 1000;

type Token = { kind: "name" | "number" | "punct" | "string"; text: string };

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s+|,|#[^\n]*|"""[\s\S]*?"""|"(?:\\.|[^"\\])*"|(-?\d+(?:\.\d+)?)|([_A-Za-z][_0-9A-Za-z]*)|(\.\.\.|[{}()[\]:$!=@])/gy;
  while (pattern.lastIndex < query.length) {
    const match = pattern.exec(query);
    if (!match)
      throw new Error(`unreadable query at ${pattern.lastIndex}: ${query.slice(pattern.lastIndex, 40)}`);
    const [text, number, name, punct] = match;
    if (number !== undefined) tokens.push({ kind: "number", text: number });
    else if (name !== undefined) tokens.push({ kind: "name", text: name });
    else if (punct !== undefined) tokens.push({ kind: "punct", text: punct });
    else if (text.startsWith('"')) tokens.push({ kind: "string", text });
  }
  return tokens;
}

interface Field {
  name: string;
  /** The page size argument, resolved from the variables; undefined for a field that is not a connection. */
  pageSize: number | undefined;
  children: Field[] | undefined;
}

class Parser {
  private at = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly variables: Record<string, unknown>,
  ) {}

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private take(): Token {
    const token = this.tokens[this.at];
    if (!token) throw new Error("unexpected end of query");
    this.at += 1;
    return token;
  }

  /** Skips a balanced (…) or […] group. */
  private skipGroup(open: string, close: string): void {
    let depth = 0;
    do {
      const token = this.take();
      if (token.text === open) depth += 1;
      if (token.text === close) depth -= 1;
    } while (depth > 0);
  }

  /** The operation's kind and its top-level fields. */
  operation(): { mutation: boolean; fields: Field[] } {
    let mutation = false;
    if (this.peek()?.kind === "name") {
      mutation = this.take().text === "mutation";
      if (this.peek()?.kind === "name") this.take();
      if (this.peek()?.text === "(") this.skipGroup("(", ")");
    }
    return { mutation, fields: this.selectionSet() };
  }

  private selectionSet(): Field[] {
    const fields: Field[] = [];
    this.take(); // {
    while (this.peek()?.text !== "}") {
      if (this.peek()?.text === "...") fields.push(...this.inlineFragment());
      else fields.push(this.field());
    }
    this.take(); // }
    return fields;
  }

  /** `... on Type { … }`: its fields are the enclosing object's own (a fragment costs nothing itself). */
  private inlineFragment(): Field[] {
    this.take(); // ...
    if (this.peek()?.text === "on") {
      this.take();
      this.take(); // the type condition
    }
    return this.selectionSet();
  }

  private field(): Field {
    let name = this.take().text;
    if (this.peek()?.text === ":") {
      this.take();
      name = this.take().text;
    }
    let pageSize: number | undefined;
    if (this.peek()?.text === "(") {
      this.take();
      while (this.peek()?.text !== ")") {
        const argument = this.take().text;
        this.take(); // :
        const value = this.value();
        if ((argument === "first" || argument === "last") && value !== undefined) pageSize = value;
      }
      this.take();
    }
    const children = this.peek()?.text === "{" ? this.selectionSet() : undefined;
    return { name, pageSize, children };
  }

  /** An argument's value: a number, or a variable holding one; undefined for anything else (skipped). */
  private value(): number | undefined {
    const token = this.take();
    if (token.kind === "number") return Number(token.text);
    if (token.text === "$") {
      const held = this.variables[this.take().text];
      return typeof held === "number" ? held : undefined;
    }
    if (token.text === "[") {
      this.at -= 1;
      this.skipGroup("[", "]");
    } else if (token.text === "{") {
      this.at -= 1;
      this.skipGroup("{", "}");
    }
    return undefined;
  }
}

function fieldCost(field: Field): number {
  if (!field.children) return 0;
  if (field.pageSize !== undefined) {
    const nodes = field.children.find((child) => child.name === "nodes");
    const edgeNode = field.children
      .find((child) => child.name === "edges")
      ?.children?.find((child) => child.name === "node");
    const node = nodes ?? edgeNode;
    return 2 + field.pageSize * (node ? fieldCost(node) : 1);
  }
  return 1 + field.children.reduce((sum, child) => sum + fieldCost(child), 0);
}

/** The query's requested cost, as Shopify computes it before running it. */
export function shopifyQueryCost(query: string, variables: Record<string, unknown> = {}): number {
  const { mutation, fields } = new Parser(tokenize(query), variables).operation();
  return fields.reduce((sum, field) => sum + (mutation ? 10 : fieldCost(field)), 0);
}
