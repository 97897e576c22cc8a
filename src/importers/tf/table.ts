import { LoweringTable } from '../common/lowering-table.js';

/**
 * The one table of TensorFlow op lowerings, shared by the SavedModel, frozen GraphDef and TF.js
 * importers. Family files in ./ops register their rows (`tf::Conv2D`); ./ops/index.ts imports them all.
 */
export const tfTable = new LoweringTable(['tf']);
