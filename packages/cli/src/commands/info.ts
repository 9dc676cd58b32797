import type { Command } from 'commander';
import { colorChannels, pointCount, type PointCloud } from '@heed/pointcloud-io';
import { readCloudFile } from './read-cloud.js';

/** What `heed info --json` prints. */
export interface CloudInfo {
  format: 'ply' | 'pcd' | 'xyz' | 'off' | 'las';
  variant: string;
  points: number;
  attributes: string[];
  bounds: { min: [number, number, number]; max: [number, number, number] };
}

/**
 * Summarises a cloud: LAZ reports format `las` with a `laz …` variant (it is compressed LAS);
 * attributes are `position`, then `color`/`normal`/`intensity`/`label`/`faces` when present,
 * then every other per-point field by its name in the file.
 */
export function describeCloud(cloud: PointCloud): CloudInfo {
  const format = cloud.format === 'laz' ? 'las' : (cloud.format ?? 'ply');
  const variant = cloud.format === 'laz' ? `laz ${cloud.variant ?? ''}`.trim() : (cloud.variant ?? '');
  const attributes = ['position'];
  if (colorChannels(cloud)) attributes.push(colorChannels(cloud) === 4 ? 'color_rgba' : 'color');
  if (cloud.normals) attributes.push('normal');
  if (cloud.intensity) attributes.push('intensity');
  if (cloud.labels) attributes.push('label');
  if (cloud.faces) attributes.push('faces');
  attributes.push(...Object.keys(cloud.fields ?? {}));
  const bounds = cloud.bounds ?? { min: [0, 0, 0], max: [0, 0, 0] };
  return { format, variant, points: pointCount(cloud), attributes, bounds: { min: [...bounds.min], max: [...bounds.max] } };
}

/** `heed info <file> [--json]`: format, variant, point count (vertices for meshes), attributes, bounds. */
export function registerInfoCommand(program: Command): void {
  program
    .command('info')
    .description('describe a point-cloud file: format, point count, attributes, bounds')
    .argument('<file>', 'PLY, PCD, XYZ/TXT/CSV, OFF, LAS or LAZ file')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const { cloud } = await readCloudFile(file, { allowEmpty: true });
      const info = describeCloud(cloud);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(info)}\n`);
        return;
      }
      const fmt = (v: number[]) => v.map((x) => x.toPrecision(6)).join(', ');
      process.stdout.write(
        `${file}\n  format      ${info.format} (${info.variant})\n  points      ${info.points}\n` +
          `  attributes  ${info.attributes.join(', ')}\n  bounds      [${fmt(info.bounds.min)}] – [${fmt(info.bounds.max)}]\n`,
      );
    });
}
