#!/usr/bin/env bash
# Trainer.Fit against PyTorch on the CPU, same networks, data recipe, batches and thread counts, in one invocation:
# both sides run alternately (the machine is shared and noisy), each repetition in a fresh process after a warm-up
# epoch, and the table reports the median training samples/s of each side and their ratio. Then the GEMM GFLOP/s of
# every product those networks make, beside the FMA peak measured in the same run.
#
# usage: bench/run-trainer-vs-pytorch.sh [repetitions (default 5)] [thread counts (default "1 2")]
# PyTorch is Debian's python3-torch on OpenBLAS (OpenMP build), the strongest CPU torch this machine can have;
# Debian's default reference BLAS is several times slower and not a fair opponent.
set -euo pipefail
cd "$(dirname "$0")/.."
repetitions=${1:-5}
thread_counts=${2:-"1 2"}

missing=()
dpkg -s python3-torch >/dev/null 2>&1 || missing+=(python3-torch)
dpkg -s libopenblas0-openmp >/dev/null 2>&1 || missing+=(libopenblas0-openmp)
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi
openblas=/usr/lib/x86_64-linux-gnu/openblas-openmp
dotnet build bench/EnsembleFarm.Bench -c Release -v q -nologo >/dev/null
bench=(dotnet bench/EnsembleFarm.Bench/bin/Release/net10.0/EnsembleFarm.Bench.dll)

# OMP_WAIT_POLICY=PASSIVE: on this shared 2-core machine OpenMP's default spin-waiting made 2-thread torch 20-50x
# slower whenever another process held a core (measured 6,573 vs 116,930 samples/s on mlp-10); passive is its best.
pytorch() { # network widths batch rows epochs threads
  OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS=$6 OPENBLAS_NUM_THREADS=$6 LD_LIBRARY_PATH=$openblas \
    /usr/bin/python3 bench/pytorch_mlp.py "$1" "$2" "$3" "$4" "$5" "$6" 1
}

results=$(mktemp)
trap 'rm -f "$results"' EXIT
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for repetition in $(seq "$repetitions"); do
  while read -r name widths batch rows epochs; do
    for threads in $thread_counts; do
      # Alternate who goes first so that neither side always runs right after the other's process exit.
      if ((repetition % 2)); then
        "${bench[@]}" trainer "$name" "$threads" 1 >>"$results"
        pytorch "$name" "$widths" "$batch" "$rows" "$epochs" "$threads" >>"$results"
      else
        pytorch "$name" "$widths" "$batch" "$rows" "$epochs" "$threads" >>"$results"
        "${bench[@]}" trainer "$name" "$threads" 1 >>"$results"
      fi
    done
  done < <("${bench[@]}" networks)
  echo "repetition $repetition of $repetitions done" >&2
done

/usr/bin/python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
blas = sorted({path for r in rows if r["side"] == "pytorch" for path in r["blas"]})
torch_version = next(r["torch"] for r in rows if r["side"] == "pytorch")
print(f"PyTorch {torch_version}; BLAS mapped by torch after a matmul: {', '.join(blas) or 'none found'}")
print()
print("| network | batch | threads | EnsembleFarm samples/s | PyTorch samples/s | ratio | repetitions |")
print("|---|---:|---:|---:|---:|---:|---:|")
keys = sorted({(r["network"], r["threads"]) for r in rows}, key=lambda k: (int(k[0].split("-")[1]), k[1]))
for network, threads in keys:
    ours = [r["samples_per_s"] for r in rows if r["side"] == "efarm" and r["network"] == network and r["threads"] == threads]
    theirs = [r["samples_per_s"] for r in rows if r["side"] == "pytorch" and r["network"] == network and r["threads"] == threads]
    batch = next(r["batch"] for r in rows if r["network"] == network)
    a, b = statistics.median(ours), statistics.median(theirs)
    print(f"| {network} | {batch} | {threads} | {a:,.0f} | {b:,.0f} | {a / b:.2f} | {len(ours)} |")
PY
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
"${bench[@]}" gemm $thread_counts
