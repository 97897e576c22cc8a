import type { Model } from '../../ir/model.js';

/** What a pass gives back: the model (the same object for an in-place pass) and whether it changed. */
export interface PassResult {
  readonly model: Model;
  readonly modified: boolean;
}

/**
 * One graph transformation. `name` and `summary` are declared once, on the pass itself, so the registry
 * (and `optimize --help`) lists them from there. Every pass here edits the model in place through use
 * lists; `inPlace` says so for callers that would otherwise keep a copy.
 */
export interface Pass {
  /** Kebab-case, as the CLI spells it: `optimize-transposes`. */
  readonly name: string;
  /** One line for `--help`. */
  readonly summary: string;
  readonly inPlace: true;
  run(model: Model): PassResult;
}
