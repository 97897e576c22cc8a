// Every TensorFlow lowering family; importing this module fills tfTable.
import './elementwise.js';
import './array.js';
import './shape.js';
import './strided-slice.js';
import './image.js';
import './reduction.js';
import './control-flow.js';
import './tensor-list.js';
import './nn.js';
import './linalg.js';
