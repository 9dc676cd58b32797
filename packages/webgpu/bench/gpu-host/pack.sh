#!/usr/bin/env bash
# Here, with package access: builds what run.sh needs on a GPU host without it, into the
# git-ignored folder the `device` tool carries, `.gpu-kit/`: kit.tar.xz (a Node binary, the
# dependency closure and Heed's built packages) and the Vulkan / EGL loader .debs the NVIDIA ICD
# needs — made by the workplace's gpu-kit.mjs (GPU_KIT names another copy of it).
set -euo pipefail
cd "$(dirname "$0")/../../../.."
KIT_TOOL=${GPU_KIT:-../shared/tools/gpu-kit.mjs}
[ -f "$KIT_TOOL" ] || { echo "gpu-kit.mjs not found at $KIT_TOOL (set GPU_KIT)" >&2; exit 2; }
npx nx run-many -t build -p @heed/attention @heed/point-transformer @heed/webgpu --outputStyle=static
node "$KIT_TOOL" --out .gpu-kit webgpu @tensorflow/tfjs-core @tensorflow/tfjs-backend-webgpu @tensorflow/tfjs-backend-cpu \
  @heed/attention @heed/point-transformer @heed/webgpu
du -sh .gpu-kit
