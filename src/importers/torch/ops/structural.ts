import { keepForConsumers } from '../../common/lowering-table.js';
import { atenTable } from '../table.js';

atenTable.register({
  // Lists are read by their consumers (aten::cat, aten::stack, aten::index ...) through the producer.
  'prim::ListConstruct': keepForConsumers,
});
