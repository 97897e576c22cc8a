/**
 * The TorchScript importer: a traced (or straight-line scripted) TorchScript archive to an IR model of
 * `aten`/`prim` source nodes, for the ATen lowering table.
 */
export { importTorchScript, importTorchScriptArchive } from './import-torchscript.js';
