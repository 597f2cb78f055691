#!/usr/bin/env bash
# The farm's own benchmarks, each in one invocation of EnsembleFarm.Bench (docs/benchmarks.md says what each measures):
#   farm-throughput  no-op trials/s and dispatch latency of 1, 2, 4 and 8 silos on one PostgreSQL, beside Optuna
#                    (Debian's python3-optuna, RDB storage on the same server, as many worker processes)
#                    --sampler random|tpe: a search with that sampler on both sides instead (issue 7), e.g.
#                    farm-throughput --sampler tpe --silos 1,4 --trials 200
#   failover         SIGKILL of the silo training a trial in a 3-silo cluster → that trial training again elsewhere
#   farm-overhead    the 60-member example through a one-silo farm vs the same trainings in one process
# Output goes to the terminal and to bench/results/<bench>-<UTC time>.txt (ignored by git), with the commit and
# the machine's load (uptime) before and after.
#
# usage: bench/run-farm-bench.sh                       all three with their defaults
#        bench/run-farm-bench.sh BENCH [OPTIONS...]     one of them, e.g. farm-throughput --trials 1000 --repeats 3
# Run as root from anywhere: it installs what is missing (PostgreSQL 15's server binaries, python3-optuna,
# python3-psycopg2) with apt-get; the benches start their own PostgreSQL as user postgres on a free port.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql-15)
dpkg -s python3-optuna >/dev/null 2>&1 || missing+=(python3-optuna)
dpkg -s python3-psycopg2 >/dev/null 2>&1 || missing+=(python3-psycopg2)
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi
dotnet build bench/EnsembleFarm.Bench -c Release -v q -nologo >/dev/null
bench=(dotnet bench/EnsembleFarm.Bench/bin/Release/net10.0/EnsembleFarm.Bench.dll)
mkdir -p bench/results

run() { # bench [options...]
  local out
  out="bench/results/$1-$(date -u +%Y%m%dT%H%M%SZ).txt"
  {
    echo "\$ EnsembleFarm.Bench $*"
    echo "commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench || echo ' (with uncommitted changes)'); $(uptime)"
    "${bench[@]}" "$@"
    echo "after: $(uptime)"
  } 2>&1 | tee "$out"
  echo "(written to $out)"
}

if (($#)); then
  run "$@"
else
  run farm-throughput
  run failover
  run farm-overhead
fi
