class DictReturn(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  _is_full_backward_hook : Optional[bool]
  fc : __torch__.torch.nn.modules.linear.___torch_mangle_29.Linear
  def forward(self: __torch__.DictReturn,
    x: Tensor) -> Dict[str, Tensor]:
    fc = self.fc
    _0 = (fc).forward(x, )
    _1, _2 = torch.max(_0, 1)
    return {"out": _0, "mx": _1, "idx": _2}
