import { LoweringTable } from '../common/lowering-table.js';

/**
 * The one table of ATen (and prim) lowerings, shared by the TorchScript and torch.export importers.
 * Family files in ./ops register their rows; ./ops/index.ts imports them all.
 */
export const atenTable = new LoweringTable(['aten', 'prim']);
