import type { HostDType, HostTensor } from '../nn/host-tensor.js';

/**
 * Copies `length` bytes at `offset` into a fresh (aligned) typed array of `dtype`. Platform byte
 * order, which is little-endian on every platform tfjs runs on (as safetensors and torch.save use).
 */
export function copyTyped(bytes: Uint8Array, offset: number, length: number, dtype: HostDType): HostTensor['data'] {
  // Uint8Array's slice, not the argument's own: Node's Buffer#slice returns a view of the whole
  // (pooled) file buffer, whose .buffer would be read from its start.
  const copy = Uint8Array.prototype.slice.call(bytes, offset, offset + length).buffer;
  switch (dtype) {
    case 'float32': return new Float32Array(copy);
    case 'float64': return new Float64Array(copy);
    case 'int64': return new BigInt64Array(copy);
    case 'int32': return new Int32Array(copy);
  }
}
