class ScriptedMisc(Module):
  __parameters__ = []
  __buffers__ = ["buf", ]
  buf : Tensor
  training : bool
  _is_full_backward_hook : Optional[bool]
  k : int
  def forward(self: __torch__.ScriptedMisc,
    x: Tensor,
    t: Tuple[int, int],
    m: Optional[int]=None) -> Tuple[Tensor, str, float]:
    _0 = uninitialized(Tensor)
    if torch.__is__(m, None):
      ops.prim.RaiseException("it\'s \"bad\"\n\ttab \\ done \001", "builtins.ValueError")
      y = _0
    else:
      m0 = unchecked_cast(int, m)
      _1 = torch.add(torch.mul(x, torch.pow(m0, 2)), torch.floordiv((t)[0], 3))
      _2 = torch.sub(_1, torch.remainder((t)[1], 2))
      k = self.k
      _3 = torch.__or__(torch.__lshift__(k, 1), 0)
      y = torch.add(_2, _3)
    z = __torch__.clampish(y, -inf, inf, )
    if torch.gt(torch.numel(x), 3):
      if torch.eq(torch.dim(x), 1):
        _4 = True
      else:
        _4 = torch.ge(torch.dim(x), 4)
      ok = torch.__not__(_4)
    else:
      ok = False
    if ok:
      w = z
    else:
      w = torch.neg(z)
    lst = annotate(List[int], [])
    for i in range(3):
      _5 = torch.append(lst, torch.mul(i, 2))
    if torch.gt(torch.dim(x), 1):
      _6 = torch.slice(torch.unsqueeze(x, 0), -1, 1, 2)
      xs = _6
    else:
      xs = x
    buf = self.buf
    _7 = torch.add(torch.add(w, torch.sum(buf)), 9.2233720368547758e+18)
    _8 = torch.add(torch.add(_7, -9223372036854775808), torch.len(lst))
    _9 = (torch.add(_8, torch.sum(xs)), "na\'me", nan)
    return _9
def clampish(x: Tensor,
    lo: float=-inf,
    hi: float=inf) -> Tensor:
  return torch.clamp(x, lo, hi)
