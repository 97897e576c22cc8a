import { describe, expect, it } from 'vitest';
import { DataType } from '../../ir/dtype.js';
import { CheckError, PassError } from '../../ir/errors.js';
import { Graph } from '../../ir/graph.js';
import { Model } from '../../ir/model.js';
import { Node } from '../../ir/node.js';
import { tensorType } from '../../ir/types.js';
import { Value } from '../../ir/value.js';
import type { Pass } from './pass.js';
import { PassManager } from './pass-manager.js';

function model(): Model {
  const g = new Graph('g');
  const x = g.addInput('x', tensorType(DataType.FLOAT, [2]));
  g.addOutput(g.appendNode(new Node('Relu', [x], { name: 'relu', outputs: ['y'] })).output(0));
  return new Model(g, new Map([['', 18]]));
}

/** A pass that reports a change its first `times` runs. */
function changing(name: string, times: number): Pass & { runs: number } {
  return {
    name,
    summary: 'test',
    inPlace: true,
    runs: 0,
    run(m) {
      return { model: m, modified: this.runs++ < times };
    },
  };
}

describe('PassManager', () => {
  it('runs rounds until none changes the model', () => {
    const a = changing('a', 3);
    const b = changing('b', 1);
    const result = new PassManager([a, b]).run(model());
    expect(result).toMatchObject({ modified: true, converged: true, steps: 4 });
    expect(a.runs).toBe(4);
    expect(result.log.map((l) => `${l.pass}${l.modified ? '+' : '-'}`)).toEqual(['a+', 'b+', 'a+', 'b-', 'a+', 'b-', 'a-', 'b-']);
  });

  it('stops at the step cap and says it did not converge', () => {
    const forever = changing('forever', Infinity);
    const result = new PassManager([forever], { maxSteps: 5 }).run(model());
    expect(result).toMatchObject({ modified: true, converged: false, steps: 5 });
    expect(forever.runs).toBe(5);
  });

  it('reports no change for passes that change nothing', () => {
    const result = new PassManager([changing('idle', 0)]).run(model());
    expect(result).toMatchObject({ modified: false, converged: true, steps: 1 });
  });

  it('wraps a throwing pass in a PassError naming it and every pass run before it', () => {
    const boom: Pass = {
      name: 'boom',
      summary: 'fails on its second run',
      inPlace: true,
      run(m) {
        if (this === boom && (calls += 1) === 2) throw new TypeError('cannot read perm');
        return { model: m, modified: true };
      },
    };
    let calls = 0;
    const run = (): unknown => new PassManager([changing('first', 5), boom, changing('last', 5)]).run(model());
    expect(run).toThrow(PassError);
    calls = 0;
    expect(run).toThrow('pass "boom" failed in round 2, after "first", "boom", "last", "first": TypeError: cannot read perm');
  });

  it('keeps the node and op of a BridgeError it wraps, and the cause', () => {
    const bad: Pass = {
      name: 'bad',
      summary: 'throws a located error',
      inPlace: true,
      run() {
        throw new CheckError('perm has the wrong length', { node: 't1', op: 'Transpose' });
      },
    };
    let error: unknown;
    try {
      new PassManager([bad]).run(model());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PassError);
    const e = error as PassError;
    expect(e.node).toBe('t1');
    expect(e.op).toBe('Transpose');
    expect(e.cause).toBeInstanceOf(CheckError);
    expect(e.message).toBe('node "t1", op Transpose: pass "bad" failed in round 1, as the first pass: perm has the wrong length');
  });

  it('verifies the IR after each pass under test, and names the pass that broke it', () => {
    const breaker: Pass = {
      name: 'breaker',
      summary: 'reads a value nobody defines',
      inPlace: true,
      run(m) {
        m.graph.appendNode(new Node('Neg', [new Value('ghost')], { name: 'neg' }));
        return { model: m, modified: true };
      },
    };
    const manager = new PassManager([changing('fine', 1), breaker]);
    expect(manager.verify).toBe(true);
    expect(() => manager.run(model())).toThrow(/pass "breaker" left the model invalid in round 1, after "fine": .*ghost.*read before it is defined/);
    // Without verification the broken model goes through (what a release run would do).
    expect(() => new PassManager([breaker], { maxSteps: 1, verify: false }).run(model())).not.toThrow();
  });

  it('rejects a step cap below one', () => {
    expect(() => new PassManager([], { maxSteps: 0 })).toThrow(RangeError);
  });
});
