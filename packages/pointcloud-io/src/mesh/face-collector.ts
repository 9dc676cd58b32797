import type { ParseContext } from '../context.js';
import { Growable } from '../util/growable.js';

/**
 * Collects triangles from polygon lists (fan triangulation) or triangle strips (`-1` restarts,
 * alternating winding, degenerate triangles skipped), one index at a time, as PLY and OFF
 * readers decode them.
 */
export class FaceCollector {
  private readonly tris: Growable<Uint32Array>;
  private k = 0;
  private a = 0;
  private b = 0;
  private skipped = 0;

  constructor(
    private readonly mode: 'polygon' | 'strip',
    private readonly ctx: ParseContext,
    private readonly element: string,
    capacity: number,
  ) {
    this.tris = new Growable(Uint32Array, capacity);
  }

  /** Starts a new polygon or strip. */
  begin(): void {
    this.k = 0;
  }

  /** Adds the next vertex index of the current polygon or strip. */
  item(v: number, offset?: number): void {
    if (this.mode === 'strip' && v === -1) {
      this.k = 0;
      return;
    }
    if (!Number.isInteger(v) || v < 0) {
      throw this.ctx.error('bad-value', `vertex index ${v} is not a non-negative integer`, { element: this.element, field: 'vertex_indices', offset });
    }
    const k = this.k++;
    if (k === 0) this.a = v;
    else if (k === 1) this.b = v;
    else if (this.mode === 'polygon') {
      this.tris.push3(this.a, this.b, v);
      this.b = v;
    } else {
      const [p, q] = (k & 1) === 0 ? [this.a, this.b] : [this.b, this.a];
      if (p !== q && q !== v && p !== v) this.tris.push3(p, q, v);
      this.a = this.b;
      this.b = v;
    }
  }

  /** Ends the current polygon; lists with fewer than 3 vertices are counted as skipped. */
  end(): void {
    if (this.mode === 'polygon' && this.k < 3) this.skipped++;
  }

  /** The triangles so far, three indices each. */
  toArray(): Uint32Array {
    if (this.skipped > 0) this.ctx.warn(`skipped ${this.skipped} ${this.element} rows with fewer than 3 vertices`);
    this.skipped = 0;
    return this.tris.toArray();
  }
}
