class ScriptedClasses(Module):
  __parameters__ = []
  __buffers__ = []
  training : bool
  _is_full_backward_hook : NoneType
  mods : __torch__.torch.nn.modules.container.ModuleList
  sub : __torch__.ModIface
  hooked : __torch__.Twice
  def forward(self: __torch__.ScriptedClasses,
    x: Tensor,
    c: __torch__.Color) -> __torch__.Pt:
    a = __torch__.Acc.__new__(__torch__.Acc)
    _0 = (a).__init__(3, )
    mods = self.mods
    _00 = getattr(mods, "0")
    _1 = getattr(mods, "1")
    x0 = (_00).forward(x, )
    x1 = (_1).forward(x0, )
    _2 = (a).add(x1, )
    if torch.eq(c, __torch__.Color.RED):
      x2 = torch.add(x1, 1)
    else:
      x2 = x1
    _3 = __torch__.torch.autograd.grad_mode.no_grad.__new__(__torch__.torch.autograd.grad_mode.no_grad)
    _4 = (_3).__init__()
    with _3:
      sub = self.sub
      x3 = torch.mul((sub).forward(x2, ), 2)
    hooked = self.hooked
    _5 = __torch__.Twice.pre_hook(hooked, (x3,), )
    _6, = _5
    x4 = (hooked).forward(_6, )
    items = a.items
    return __torch__.Pt(x4, torch.len(items))
class Twice(Module):
  __parameters__ = []
  __buffers__ = []
  __forward_pre_hooks__ = ["pre_hook", ]
  training : bool
  _is_full_backward_hook : Optional[bool]
  def forward(self: __torch__.Twice,
    x: Tensor) -> Tensor:
    return torch.mul(x, 2)
  def pre_hook(mod: __torch__.Twice,
    inp: Tuple[Tensor]) -> Tuple[Tensor]:
    return (torch.add((inp)[0], 1),)
class ModIface(ModuleInterface):
  def forward(self, x: Tensor) -> Tensor:
    pass
class Color(Enum):
  RED = 1
  GREEN = 2
class Pt(NamedTuple):
  a : Tensor
  b : int
class Acc:
  n : int
  items : List[Tensor]
  def __init__(self: __torch__.Acc,
    n: int) -> NoneType:
    self.n = n
    self.items = annotate(List[Tensor], [])
    return None
  def add(self: __torch__.Acc,
    x: Tensor) -> NoneType:
    items = self.items
    _6 = torch.append(items, x)
    return None
