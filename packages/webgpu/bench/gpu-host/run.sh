#!/usr/bin/env bash
# Issue #6's GPU measurements in one go, on a GPU host with no package access (the `device` tool's
# machine): Heed's fused WebGPU attention against tfjs-webgpu's composed ops and against PyTorch's
# fp32 SDPA on the same card, FPS + kNN at N = 100k, and the PCT forward. Run from the repository
# root with `.gpu-kit/` carried along (pack.sh makes it, here; ≈ 33 MB):
#   device run: bash packages/webgpu/bench/gpu-host/run.sh     carry: [".gpu-kit"]
# Writes one JSON document per step, steps.log, host.txt and summary.json (7 files) to $OUT
# (default ./gpu-bench-out), and the summary on stdout. SIZES (default 1024,4096,16384,65536,
# 262144), PCT_REPS (default 20) and STEP_TIMEOUT (s, default 240) tune it; the whole run should
# take 5-10 minutes on an H100 (N = 262,144 is one 1.4·10^14-FLOP call per path).
# A dry run on a CPU: VK_DRIVER_FILES=/usr/lib/chromium/vk_swiftshader_icd.json SIZES=128,256 (in a
# copy of the repository: it links node_modules to the kit's).
set -uo pipefail
cd "$(dirname "$0")/../../../.."
OUT=${OUT:-$PWD/gpu-bench-out}
mkdir -p "$OUT"
BENCH=packages/webgpu/bench
[ -f .gpu-kit/kit.tar.xz ] || { echo "no .gpu-kit/kit.tar.xz: run $BENCH/gpu-host/pack.sh first and carry .gpu-kit" >&2; exit 2; }

# The Vulkan / EGL loaders from the kit, unless the host has them (the NVIDIA ICD needs glvnd too).
if ! ldconfig -p | grep -q 'libvulkan.so.1'; then
  for f in .gpu-kit/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
nvidia=/usr/local/nvidia/share
[ -n "${VK_DRIVER_FILES:-}" ] || [ ! -f $nvidia/vulkan/icd.d/nvidia_icd.json ] || export VK_DRIVER_FILES=$nvidia/vulkan/icd.d/nvidia_icd.json
[ ! -f $nvidia/glvnd/egl_vendor.d/10_nvidia.json ] || export __EGL_VENDOR_LIBRARY_FILENAMES=$nvidia/glvnd/egl_vendor.d/10_nvidia.json

KIT=$(mktemp -d)
tar xJf .gpu-kit/kit.tar.xz -C "$KIT"
export PATH="$KIT/bin:$PATH"
ln -sfn "$KIT/app/node_modules" node_modules
# A bench inside a package imports that package by name, which Node resolves to its own dist/:
# the working tree travels without dist/, the kit holds it.
for built in "$KIT"/app/node_modules/@heed/*; do
  package=packages/$(basename "$built")
  [ ! -d "$package" ] || [ -e "$package/dist" ] || ln -s "$built/dist" "$package/dist"
done
{ date -u +%FT%TZ; node --version; nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,memory.total --format=csv 2>&1 || true; } > "$OUT/host.txt"

# Each step's JSON to $OUT/<step>.json, its log appended to $OUT/steps.log: the device tool
# brings back at most 8 files.
step() {
  local name=$1; shift
  local t0=$SECONDS log
  log=$(mktemp)
  timeout "${STEP_TIMEOUT:-240}" "$@" > "$OUT/$name.json" 2> "$log"
  local status=$?
  { echo "== $name: exit $status after $((SECONDS - t0)) s ($*)"; cat "$log"; } >> "$OUT/steps.log"
  echo "== $name: exit $status after $((SECONDS - t0)) s ($*)"
  tail -n 4 "$log"
}
SIZES=${SIZES:-1024,4096,16384,65536,262144}
step attention node $BENCH/attention.bench.mjs --sizes "$SIZES"
step pytorch-sdpa python3 $BENCH/gpu-host/sdpa_pytorch.py --sizes "$SIZES"
step point-kernels node $BENCH/point-kernels.bench.mjs --n 100000 --samples 1024 --queries 1024 --k 32
step pct-forward node $BENCH/gpu-host/pct-forward.mjs --reps "${PCT_REPS:-20}"
node $BENCH/gpu-host/summary.mjs "$OUT"
