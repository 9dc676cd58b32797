import type { Command } from 'commander';
import { farthestPointSample, pointCount, sampleSurface } from '@heed/pointcloud-io';
import { writePointCloudFile } from '@heed/pointcloud-io/node';
import { UsageError } from '../errors.js';
import { readCloudFile } from './read-cloud.js';

/**
 * `heed convert <in> <out> [--sample N]`: any readable format to PLY/PCD/XYZ/CSV/LAS (chosen by
 * the output's extension). With `--sample N`, a mesh is sampled uniformly over its surface
 * (area-weighted, seeded) and a point cloud is reduced by farthest point sampling.
 */
export function registerConvertCommand(program: Command): void {
  program
    .command('convert')
    .description('convert between point-cloud formats, optionally resampling to N points')
    .argument('<in>', 'input file (PLY, PCD, XYZ/TXT/CSV, OFF, LAS, LAZ)')
    .argument('<out>', 'output file; the extension picks the format (.ply .pcd .xyz .txt .csv .las)')
    .option('--sample <n>', 'resample to N points (meshes: surface sampling; clouds: farthest point sampling)')
    .option('--seed <n>', 'seed for surface sampling', '0')
    .action(async (input: string, output: string, opts: { sample?: string; seed: string }) => {
      const n = opts.sample === undefined ? undefined : Number(opts.sample);
      if (n !== undefined && !(Number.isInteger(n) && n > 0)) throw new UsageError(`--sample: expected a positive integer, got "${opts.sample}"`);
      let { cloud } = await readCloudFile(input);
      let how = '';
      if (n !== undefined) {
        if (cloud.faces?.length) {
          cloud = sampleSurface(cloud, n, { seed: Number(opts.seed) }).cloud;
          how = `, ${n} points sampled over the surface`;
        } else {
          const sampled = farthestPointSample(cloud, n);
          cloud = sampled.cloud;
          how = `, ${n} points by farthest point sampling${sampled.replaced ? ' (fewer in the input: some repeated)' : ''}`;
        }
      }
      await writePointCloudFile(output, cloud);
      process.stderr.write(`heed: wrote ${output} (${pointCount(cloud)} points${how})\n`);
    });
}
