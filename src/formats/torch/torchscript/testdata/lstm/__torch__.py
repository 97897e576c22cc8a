class Lstm(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  _is_full_backward_hook : Optional[bool]
  lstm : __torch__.torch.nn.modules.rnn.LSTM
  def forward(self: __torch__.Lstm,
    x: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
    lstm = self.lstm
    _0, _1, _2, = (lstm).forward(x, )
    return (_0, _1, _2)
