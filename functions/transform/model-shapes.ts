// Models whose columns changed since their tables were built (a code upgrade: a new column, one dropped, ad amounts
// kept to more places): a window of such a model cannot go into its table, so the transform rebuilds it whole, and
// every model built from it, whose earlier days were computed from the old columns. The run says so and goes on.
import type { Finding } from "../shared/findings.ts";
import {
  COLUMNS_CHANGED_CHECK,
  describeColumnChanges,
  ModelColumnsChangedError,
} from "../shared/model-columns.ts";
import type { Logger } from "../shared/ports.ts";
import { downstreamOf, type ModelDefinition, modelId, MODELS } from "../lib/sql/models.ts";

/**
 * What one transform learned of its models' columns. The warehouse says a model's columns changed when a window of
 * it would go into its table (a ModelColumnsChangedError, before it writes anything), in the late days' passes or
 * in the main pass: the model and every model downstream of it are then due for a whole build, which the main pass
 * makes in build order (each after the models it reads). Until then the late passes leave them alone: their late
 * days are in that build.
 */
export class ColumnChangeRebuilds {
  /** The models whose columns changed, with what changed, in the order the warehouse said it. */
  private readonly changed = new Map<string, ModelColumnsChangedError>();
  /** Models due for a whole build, each with the changed model it is built from (itself for a changed one). */
  private readonly due = new Map<string, string>();
  /** The models rebuilt whole for it, in build order. */
  private readonly rebuilt: string[] = [];

  constructor(
    private readonly log: Logger,
    private readonly models: readonly ModelDefinition[] = MODELS,
  ) {}

  /** The error is a changed model's: it and its downstream models are due. False for any other error. */
  columnsChanged(error: unknown): error is ModelColumnsChangedError {
    if (!(error instanceof ModelColumnsChangedError)) return false;
    if (!this.changed.has(error.model)) this.changed.set(error.model, error);
    for (const model of downstreamOf([error.model], this.models))
      if (!this.due.has(model)) this.due.set(model, error.model);
    return true;
  }

  /** Whether the model waits for its whole build (a late pass skips it). */
  isDue(model: ModelDefinition): boolean {
    return this.due.has(modelId(model));
  }

  /**
   * Called as the main pass builds a model whole because it was due, or because the warehouse has just refused its
   * window: the warning that says why, and the count. `wouldBeWhole`: it is built whole every run anyway (a
   * downstream model of `full` materialization), which is worth no warning.
   */
  rebuiltWhole(model: ModelDefinition, wouldBeWhole: boolean): void {
    const id = modelId(model);
    const root = this.due.get(id);
    this.due.delete(id);
    if (root === undefined || wouldBeWhole) return;
    this.rebuilt.push(id);
    const error = this.changed.get(root);
    const changes = error ? describeColumnChanges(error.changes) : "";
    if (root === id)
      this.log.warn(`rebuilt whole: its columns changed since its table was built (${changes})`, {
        model: id,
      });
    else
      this.log.warn(
        `rebuilt whole: it is built from ${root}, whose columns changed since its table was built (${changes})`,
        { model: id, from: root },
      );
  }

  /** How many models changed their columns. */
  get changedCount(): number {
    return this.changed.size;
  }

  /** How many models this run rebuilt whole for it (the changed ones and those built from them). */
  get rebuiltCount(): number {
    return this.rebuilt.length;
  }

  /** "staging.x (retyped: spend DECIMAL(38,2) → DECIMAL(38,6)); marts.y (new: roas)", or "" when none changed. */
  describe(): string {
    return [...this.changed.values()]
      .map((error) => `${error.model} (${describeColumnChanges(error.changes)})`)
      .join("; ");
  }

  /** The run's finding: what changed, what was rebuilt, and that nothing is to be done. None when nothing changed. */
  findings(): Finding[] {
    if (this.changed.size === 0) return [];
    const changed = [...this.changed.keys()];
    const downstream = this.rebuilt.filter((model) => !this.changed.has(model));
    return [
      {
        check: COLUMNS_CHANGED_CHECK,
        step: "transform",
        severity: "warning",
        blocking: false,
        subject: changed.join(", "),
        observed: this.rebuilt.length,
        expected: null,
        message:
          `An upgrade changed the columns of ${changed.length === 1 ? "the model" : `${changed.length} models`} ${this.describe()}: ` +
          `${changed.length === 1 ? "it was" : "they were"} rebuilt from all history` +
          (downstream.length
            ? `, with the ${downstream.length} model${downstream.length === 1 ? "" : "s"} built from ${changed.length === 1 ? "it" : "them"}`
            : "") +
          ", so earlier days follow the new version of the code. Nothing to do.",
      },
    ];
  }
}
