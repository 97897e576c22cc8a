/**
 * Loads every op family's shape rules into the registry (src/ir/ops/shape-rule.ts). Import this module
 * once before inference; each family registers its ops in exactly one file.
 */
import './math/index.js';
import './tensor/index.js';
import './nn/index.js';
import './misc/index.js';
