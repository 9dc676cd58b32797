import { describe, expect, it } from 'vitest';
import { hoistDirectives } from './index.js';

describe('hoistDirectives', () => {
  it('moves WGSL directives ahead of the declarations tfjs puts first, each once, in order', () => {
    const code = 'struct Uniforms { n : i32 };\n    enable subgroups;\nconst W = 4;\ndiagnostic(off, derivative_uniformity);\nenable subgroups;\nfn main() {}';
    expect(hoistDirectives(code)).toBe(
      'enable subgroups;\ndiagnostic(off, derivative_uniformity);\nstruct Uniforms { n : i32 };\n\nconst W = 4;\n\n\nfn main() {}',
    );
  });

  it('leaves code without directives as it is, and does not take a directive out of a longer line', () => {
    const code = 'fn f() { let enabled = 1; }\n// enable subgroups; is what a program writes first';
    expect(hoistDirectives(code)).toBe(code);
  });
});
