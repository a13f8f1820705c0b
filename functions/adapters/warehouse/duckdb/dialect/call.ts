// A BigQuery function call as the rewrites see it, and the two generic rewrites.
import type { Node } from "./tokenizer.ts";
import type { Translator } from "./translator.ts";

export interface Call {
  name: string;
  /** Arguments before any ORDER BY / LIMIT / IGNORE NULLS tail, trimmed, untranslated. */
  args: Node[][];
  /** Aggregate modifiers (ORDER BY …, LIMIT n, IGNORE|RESPECT NULLS), untranslated. */
  tail: Node[];
  /** The translated " OVER (…)" clause that followed the call, or "". */
  over: string;
  pos: number;
}

export type Rewrite = (call: Call, t: Translator) => string;

/** Same semantics under another (or the same) name; keeps DISTINCT, ORDER BY tails and OVER clauses. */
export const rename =
  (duckName: string): Rewrite =>
  (call, t) => {
    const args = call.args.map((arg) => t.expr(arg)).join(", ");
    const tail = call.tail.length > 0 ? ` ${t.expr(call.tail)}` : "";
    return `${duckName}(${args}${tail})${call.over}`;
  };

export const scalarOnly =
  (rewrite: Rewrite): Rewrite =>
  (call, t) => {
    if (call.over) t.fail(`${call.name}() is not an analytic function`, call.pos);
    return rewrite(call, t);
  };
