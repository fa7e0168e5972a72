#!/bin/sh
# Data-parallel training speed on this machine, and what it projects to a cluster:
#   1. one MPI_Allreduce of the las-bench gradient (7.0 M floats, 28 MB) over 2 ranks on loopback;
#   2. a las-bench train step (batch 16 x 300 frames) at 1 rank x 2 threads and at 2 ranks x 1
#      thread, the gradient sum included (the same two cores either way);
#   3. a projection to N machines, each running 1 rank on 2 threads, on 10 and 25 Gbit/s: a ring
#      allreduce sends 2(N-1)/N x bytes through each link, so a step costs compute + that / bandwidth
#      (no overlap, latency ignored); efficiency = compute / step, and the per-rank batch at which
#      it stays above 90 %.
#   tools/bench_mpi.sh                  # needs Open MPI (apt-get install openmpi-bin)
#   LAS=/path/to/las tools/bench_mpi.sh
set -eu
cd "$(dirname "$0")/.."
LAS=${LAS:-.build/release/las}
BATCH=${BATCH:-16}
# As root mpirun wants both the flag and these variables.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
MPIRUN="mpirun --oversubscribe --allow-run-as-root --bind-to none"
command -v mpirun >/dev/null || { echo "bench_mpi.sh: mpirun not found (apt-get install openmpi-bin)" >&2; exit 1; }

allreduce=$($MPIRUN -np 2 "$LAS" bench allreduce --rounds 20)
single=$("$LAS" bench train-step --batch "$BATCH" --threads 2)
parallel=$($MPIRUN -np 2 "$LAS" bench train-step --batch "$BATCH" --threads 1)
echo "$allreduce"
echo "$single"
echo "$parallel"
python3 - "$allreduce" "$single" "$parallel" "$BATCH" <<'PY'
import json, math, sys
allreduce, single, parallel = (json.loads(a) for a in sys.argv[1:4])
batch = int(sys.argv[4])
print(f"\nallreduce of {allreduce['floats'] / 1e6:.2f} M floats ({allreduce['megabytes']:.1f} MB), 2 ranks, loopback: "
      f"{allreduce['ms_median']:.1f} ms median ({allreduce['ms_min']:.1f} ms best)")
print(f"train step, batch {batch}: 1 rank x 2 threads {single['step_ms_median']:.0f} ms; "
      f"2 ranks x 1 thread {parallel['step_ms_median']:.0f} ms (of which the gradient sum {parallel['allreduce_ms_median']:.0f} ms)")
per_utterance = single["step_ms_median"] / batch   # ms of compute per utterance on one 2-core machine
bits = allreduce["megabytes"] * 8e6
print(f"\nprojection: N machines of this kind, 1 rank x 2 threads each, {batch} utterances per rank "
      f"({per_utterance * batch:.0f} ms compute per step)")
print("| machines | network | allreduce ms | step ms | efficiency | per-rank batch for > 90 % |")
print("| --- | --- | --- | --- | --- | --- |")
for gbit in (10, 25):
    for n in (2, 4, 8, 16, 32, 64):
        comm = 2 * (n - 1) / n * bits / (gbit * 1e9) * 1e3
        compute = per_utterance * batch
        needed = math.floor(9 * comm / per_utterance) + 1   # compute / (compute + comm) > 0.9
        print(f"| {n} | {gbit} Gbit/s | {comm:.1f} | {compute + comm:.0f} | {100 * compute / (compute + comm):.1f} % | {needed} |")
PY
