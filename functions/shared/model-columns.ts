// A model whose columns are no longer its table's: what a warehouse adapter reports before it writes a window or a
// merge into that table, so that the transform rebuilds the model whole instead of failing the run.

/** The check of the finding a transform returns when it rebuilt models whole for their changed columns. */
export const COLUMNS_CHANGED_CHECK = "model_columns_changed";

/** A column the model still has, whose type is no longer the table's (the warehouse's own type names). */
export interface RetypedColumn {
  column: string;
  /** The table's type, as the earlier model SQL built it. */
  was: string;
  /** The type the model now gives. */
  now: string;
}

/** How a model's columns differ from its table's. */
export interface ColumnChanges {
  /** Columns the model gives that the table lacks: a window would leave them empty on every older day. */
  added: readonly string[];
  /** Columns the table has that the model no longer gives: a window would leave them empty on its own days. */
  removed: readonly string[];
  /** Columns whose type changed: a window's values would be cast into the old type (to cents, say). */
  retyped: readonly RetypedColumn[];
}

/** "new: roas; gone: email_hash; retyped: spend DECIMAL(38,2) → DECIMAL(38,6)" (the parts there are). */
export function describeColumnChanges(changes: ColumnChanges): string {
  return [
    changes.added.length ? `new: ${changes.added.join(", ")}` : "",
    changes.removed.length ? `gone: ${changes.removed.join(", ")}` : "",
    changes.retyped.length
      ? `retyped: ${changes.retyped.map((change) => `${change.column} ${change.was} → ${change.now}`).join(", ")}`
      : "",
  ]
    .filter(Boolean)
    .join("; ");
}

/** Whether the model's columns are the table's. */
export function sameColumns(changes: ColumnChanges): boolean {
  return changes.added.length === 0 && changes.removed.length === 0 && changes.retyped.length === 0;
}

/**
 * Thrown by Warehouse.materialize, before it writes anything, when a window or a merge would go into a table built
 * by a model SQL with other columns. The transform step catches it and rebuilds the model whole, with every model
 * built from it (functions/transform/step.ts); whoever else materializes a window gets the message.
 */
export class ModelColumnsChangedError extends Error {
  override name = "ModelColumnsChangedError";
  /** Read by isTransient (shared/step.ts): the same window fails again until the table is rebuilt whole. */
  readonly transient = false;

  constructor(
    readonly dataset: string,
    readonly table: string,
    readonly changes: ColumnChanges,
    /** How the request named the model ("<dataset>.<table>" unless told otherwise), for the message. */
    label = `${dataset}.${table}`,
  ) {
    super(
      `model ${label} changed its columns since its table was built (${describeColumnChanges(changes)}): ` +
        "a window of it cannot go into that table; the daily transform rebuilds such a model whole, with the models built from it",
    );
  }

  /** "<dataset>.<table>": the model's name in MODELS' dependencies. */
  get model(): string {
    return `${this.dataset}.${this.table}`;
  }
}
