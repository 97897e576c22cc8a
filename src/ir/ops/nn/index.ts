// Family barrel: one import per family file.
import './conv.js';
import './pool.js';
import './roi.js';
import './normalization.js';
import './reduce.js';
import './matmul.js';
import './einsum.js';
import './quantize.js';
import './grid.js';
