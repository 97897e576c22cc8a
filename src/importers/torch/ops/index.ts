// Every ATen lowering family; importing this module fills atenTable.
import './elementwise.js';
import './structural.js';
import './rnn.js';
import './attention.js';
import './activation.js';
import './reduction.js';
import './creation.js';
import './normalization.js';
import './linear-algebra.js';
import './shape.js';
import './indexing.js';
import './join-split.js';
import './conv.js';
import './pooling.js';
import './resize.js';
