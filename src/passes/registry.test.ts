import { describe, expect, it } from 'vitest';
import { UsageError } from '../ir/errors.js';
import { BUILTIN_PASSES, describePasses, getPass } from './registry.js';

describe('pass registry', () => {
  it('lists each built-in pass once, under a kebab-case name, with a one-line summary', () => {
    const names = BUILTIN_PASSES.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const p of BUILTIN_PASSES) {
      expect(p.name).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(p.summary).not.toMatch(/\n/);
      expect(p.inPlace).toBe(true);
    }
    expect(names).toContain('optimize-transposes');
    expect(describePasses()[names.indexOf('optimize-transposes')]).toMatch(/^optimize-transposes {2}cancel, merge and push Transposes/);
  });

  it('finds passes by name and names the known ones when it cannot', () => {
    expect(getPass('optimize-transposes').name).toBe('optimize-transposes');
    expect(() => getPass('fold-everything')).toThrow(UsageError);
    expect(() => getPass('fold-everything')).toThrow(/known passes: .*optimize-transposes/);
  });
});
