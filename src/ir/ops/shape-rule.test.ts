import { describe, expect, it } from 'vitest';
import { getShapeRule, registeredShapeRules, registerShapeRules, type ShapeRule } from './shape-rule.js';

// The table is module state shared with the real families; these tests use ops no family registers
// (a custom domain and the training preview domain) so they cannot collide.
describe('shape rule table', () => {
  const rule: ShapeRule = () => undefined;

  it('registers and finds rules by domain and op, treating ai.onnx as ""', () => {
    registerShapeRules({ MyOp: rule }, 'com.example');
    expect(getShapeRule('com.example', 'MyOp')).toBe(rule);
    expect(getShapeRule('com.example', 'Other')).toBeUndefined();
    expect(registeredShapeRules()).toContainEqual({ domain: 'com.example', opType: 'MyOp' });
    registerShapeRules({ Adam: rule }, 'ai.onnx.preview.training');
    expect(getShapeRule('ai.onnx.preview.training', 'Adam')).toBe(rule);
  });

  it('refuses a second registration and ops unknown to a known domain', () => {
    expect(() => registerShapeRules({ MyOp: rule }, 'com.example')).toThrow(/registered twice/);
    expect(() => registerShapeRules({ Relux: rule }, 'ai.onnx')).toThrow(/unknown op ai\.onnx::Relux/);
  });
});
