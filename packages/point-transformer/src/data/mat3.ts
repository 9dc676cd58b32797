/**
 * A point or direction [x, y, z].
 *
 * @example
 * ```ts
 * const up: Vec3 = [0, 1, 0];
 * ```
 */
export type Vec3 = readonly [number, number, number];

/**
 * A 3×3 matrix, row-major: `m[3 * row + col]`.
 *
 * @example
 * ```ts
 * const identity: Mat3 = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
 * ```
 */
export type Mat3 = Float64Array;

/**
 * The coordinate axes by name. Datasets here take +y as up (the ModelNet/ShapeNet convention).
 *
 * @example
 * ```ts
 * const up: Axis = 'y';
 * ```
 */
export type Axis = 'x' | 'y' | 'z';

/**
 * The rotation by `angle` radians about a coordinate axis (right-handed: about y, +z turns to +x).
 *
 * @example
 * ```ts
 * const quarterTurn = rotationAboutAxis('y', Math.PI / 2);
 * transformPoints(new Float64Array([0, 0, 1]), quarterTurn); // → [1, 0, 0]
 * ```
 */
export function rotationAboutAxis(axis: Axis, angle: number): Mat3 {
  const c = Math.cos(angle), s = Math.sin(angle);
  switch (axis) {
    case 'x': return Float64Array.of(1, 0, 0, 0, c, -s, 0, s, c);
    case 'y': return Float64Array.of(c, 0, s, 0, 1, 0, -s, 0, c);
    case 'z': return Float64Array.of(c, -s, 0, s, c, 0, 0, 0, 1);
  }
}

/**
 * A rotation taking +y to the unit vector `axis` (the shortest one; about x by π when `axis` is −y).
 * Primitives are built around +y; this stands them along any direction.
 *
 * @example
 * ```ts
 * const m = rotationFromUp([1, 0, 0]); // +y → +x
 * ```
 */
export function rotationFromUp(axis: Vec3): Mat3 {
  const [ax, ay, az] = axis;
  // Rodrigues' formula for y × axis, written out; c = cos of the angle between them.
  if (ay < -1 + 1e-12) return rotationAboutAxis('x', Math.PI);
  const k = 1 / (1 + ay);
  // v = y × a = (az, 0, −ax); R = I + [v]× + [v]×² / (1 + c)
  return Float64Array.of(
    1 - ax * ax * k, ax, -ax * az * k,
    -ax, ay, -az,
    -ax * az * k, az, 1 - az * az * k,
  );
}

/**
 * The product a·b of two 3×3 matrices (apply b first, then a).
 *
 * @example
 * ```ts
 * const m = multiply(rotationAboutAxis('y', 0.3), rotationAboutAxis('x', 0.1));
 * ```
 */
export function multiply(a: Mat3, b: Mat3): Mat3 {
  const out = new Float64Array(9);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      out[3 * r + c] = a[3 * r]! * b[c]! + a[3 * r + 1]! * b[3 + c]! + a[3 * r + 2]! * b[6 + c]!;
    }
  }
  return out;
}

/**
 * Applies `m` (and then adds `offset`) to every xyz triple of a flat array, in place.
 *
 * @returns `xyz`
 * @example
 * ```ts
 * transformPoints(cloud, rng.rotation()); // rotate a [N·3] cloud about the origin
 * ```
 */
export function transformPoints<A extends Float32Array | Float64Array>(xyz: A, m: Mat3, offset: Vec3 = [0, 0, 0]): A {
  const [tx, ty, tz] = offset;
  for (let i = 0; i + 2 < xyz.length; i += 3) {
    const x = xyz[i]!, y = xyz[i + 1]!, z = xyz[i + 2]!;
    xyz[i] = m[0]! * x + m[1]! * y + m[2]! * z + tx;
    xyz[i + 1] = m[3]! * x + m[4]! * y + m[5]! * z + ty;
    xyz[i + 2] = m[6]! * x + m[7]! * y + m[8]! * z + tz;
  }
  return xyz;
}
