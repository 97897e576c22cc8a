// Family barrel: one import per family file.
import './attention.js';
import './control-flow.js';
import './ml-predictors.js';
import './ml-transforms.js';
import './rnn.js';
import './signal.js';
import './strings.js';
import './training.js';
