// Family barrel: one import per family file.
import './reshape.js';
import './layout.js';
import './concat-split.js';
import './slice.js';
import './gather-scatter.js';
import './expand-pad.js';
import './constant.js';
import './selection.js';
import './resize.js';
import './sequence.js';
