class Scripted(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  _is_full_backward_hook : NoneType
  flag : bool
  scale : float
  names : List[str]
  fc : __torch__.torch.nn.modules.linear.___torch_mangle_32.Linear
  def forward(self: __torch__.Scripted,
    x: Tensor,
    steps: int=3,
    opt: Optional[Tensor]=None) -> Dict[str, Tensor]:
    acc = annotate(List[Tensor], [])
    x0 = x
    for i in range(steps):
      _0 = torch.eq(torch.remainder(i, 2), 0)
      if _0:
        fc = self.fc
        x1 = (fc).forward(x0, )
      else:
        if torch.eq(i, 1):
          x2 = torch.relu(x0)
        else:
          x2 = torch.neg(x0)
        x1 = x2
      _1 = torch.append(acc, x1)
      x0 = x1
    if torch.__isnot__(opt, None):
      opt0 = unchecked_cast(Tensor, opt)
      x3 = torch.add(x0, opt0)
    else:
      x3 = x0
    if torch.eq(torch.dim(x3), 2):
      pass
    else:
      ops.prim.RaiseException("AssertionError: need 2-d")
    if torch.gt(torch.size(x3, 0), 100):
      ops.prim.RaiseException("too big", "builtins.RuntimeError")
    else:
      pass
    y, k, = (self).helper(x3, 2, )
    _2 = torch.sum(torch.stack(acc), [0])
    scale = self.scale
    d = {"x": x3, "sum": torch.mul(_2, scale)}
    names = self.names
    for _3 in range(torch.len(names)):
      name = names[_3]
      _4 = torch.slice(torch.slice(y, 0, 0, 1), 1, -1)
      torch._set_item(d, name, _4)
    return d
  def helper(self: __torch__.Scripted,
    x: Tensor,
    n: int) -> Tuple[Tensor, int]:
    if torch.lt(0, n):
      flag = self.flag
      _6 = torch.__not__(torch.eq(flag, False))
      _5 = _6
    else:
      _5 = False
    x4 = x
    k = 0
    _7 = _5
    while _7:
      x5 = torch.add(x4, 1.0000000000000001e-05)
      k0 = torch.add(k, 1)
      if torch.lt(k0, n):
        flag0 = self.flag
        _9 = torch.__not__(torch.eq(flag0, False))
        _8 = _9
      else:
        _8 = False
      _7, x4, k = _8, x5, k0
    return (x4, k)
