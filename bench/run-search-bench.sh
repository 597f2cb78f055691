#!/usr/bin/env bash
# Our samplers against Optuna's (issue 7), in one invocation: first how good each sampler is for 25, 50 and 100 trials on
# the six benchmark problems (Branin, Hartmann-6, Rosenbrock-10, Ackley-5, Styblinski-Tang-8 and a mixed
# float/int/categorical function; median best value and regret over SEEDS seeds), then what one suggestion costs with
# 100 and 1,000 finished trials (our TPE, GP and CMA-ES beside Optuna's TPE, in-memory storage).
#
# usage: bench/run-search-bench.sh [seeds (default 20)] [timed calls per cost cell (default 20)]
# Optuna is Debian's python3-optuna (3.1; it has no GPSampler), run by /usr/bin/python3; installed when missing (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${1:-20}
repeats=${2:-20}

if ! /usr/bin/python3 -c 'import optuna' 2>/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq python3-optuna >/dev/null
fi
dotnet build bench/SearchBench -c Release -v q -nologo >/dev/null
bench=(dotnet bench/SearchBench/bin/Release/net10.0/EnsembleFarm.SearchBench.dll)

echo "commit $(git rev-parse --short HEAD); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
echo
"${bench[@]}" sampler-quality "$seeds"
echo
# After the quality runs, so that neither side's timing shares the machine with them.
"${bench[@]}" suggestion-cost "$repeats"
