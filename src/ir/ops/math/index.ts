// Family barrel: one import per family file.
import './unary.js';
import './binary.js';
import './cast.js';
import './axis.js';
import './matrix.js';
import './random.js';
