#!/usr/bin/env bash
# The built-in trainer against PyTorch on the farm's own plans (issue 10; docs/benchmarks.md): for the README's example
# (examples/ensemble.yaml, the collider sample) and for Hastie et al.'s benchmark (bench/TrainerAccuracy/specs/hastie.yaml),
# with model.init pytorch and he_xavier_uniform, the same members (splits, seeds, settings) trained by both, compared
# member by member and as ensembles. Run as root from anywhere: it installs Debian's python3-torch when it is missing, and
# OpenBLAS's OpenMP build, which torch then uses (also through LD_LIBRARY_PATH, as bench/run-trainer-vs-pytorch.sh, in
# case the system BLAS points elsewhere): that bench found Debian's reference BLAS several times slower. For speed only.
#
# usage: bench/run-trainer-accuracy.sh [members (default: each spec's, 60)]
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
dpkg -s python3-torch >/dev/null 2>&1 || missing+=(python3-torch)
dpkg -s libopenblas0-openmp >/dev/null 2>&1 || missing+=(libopenblas0-openmp)
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi
export LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp
dotnet build bench/TrainerAccuracy -c Release -v q -nologo >/dev/null
bench=(dotnet bench/TrainerAccuracy/bin/Release/net10.0/EnsembleFarm.TrainerAccuracy.dll)
mkdir -p data
[[ -f data/collider.csv ]] || "${bench[@]}" collider-data data/collider.csv
[[ -f data/hastie.csv ]] || "${bench[@]}" hastie-data data/hastie.csv
members=()
[[ -n "${1:-}" ]] && members=(--members "$1")

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg); " \
     "PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)'); commit $(git rev-parse --short HEAD)"
echo
for spec in examples/ensemble.yaml bench/TrainerAccuracy/specs/hastie.yaml; do
  "${bench[@]}" compare "$spec" "${members[@]}"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
