// Every ATen lowering family; importing this module fills atenTable.
import './elementwise.js';
import './structural.js';
