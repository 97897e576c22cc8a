// Every TensorFlow lowering family; importing this module fills tfTable.
import './elementwise.js';
