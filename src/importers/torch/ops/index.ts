// Every ATen lowering family; importing this module fills atenTable.
import './elementwise.js';
import './structural.js';
import './rnn.js';
import './attention.js';
