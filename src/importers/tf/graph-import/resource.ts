import { FormatError } from '../../../ir/errors.js';
import type { Value } from '../../../ir/value.js';

/**
 * Note [frozen variables]: a variable handle (VarHandleOp, a captured resource argument) is not a tensor;
 * it flows through the importer as a Resource, through calls, Identity and the loop-invariant positions of
 * While/If, whose resource positions are removed from the loop state (TF passes them through unchanged).
 * `ReadVariableOp(resource)` becomes the variable's saved value, an initializer of the main graph that
 * subgraphs read by reference, so no ReadVariableOp is left. Any other op that reads a handle
 * (ResourceGather, ...) gets the value in its place.
 */
export class Resource {
  private cached?: Value;

  constructor(
    readonly name: string,
    private readonly load?: () => Value,
  ) {}

  value(reader: string, file: string | undefined): Value {
    if (this.load === undefined) {
      throw new FormatError(`reads variable ${JSON.stringify(this.name)}, which has no saved value (only a SavedModel's signature functions bind variables)`, { file, node: reader });
    }
    return (this.cached ??= this.load());
  }
}

/** What a TF tensor reference stands for while importing. */
export type Bound = Value | Resource;
