"""Optuna side of `EnsembleFarm.SearchBench` (issue 7): Optuna's samplers on the benchmark problems, and the time of one
TPE suggestion with a given history. Run by the .NET bench, which writes the job as JSON on stdin (the problems' spaces
come from the C# definitions, so only the functions below are written twice) and reads JSON lines from stdout.

The functions must stay those of tests/SearchProblems/TestFunctions.cs: the .NET side re-evaluates every best point
reported here with its own definition and stops if the values differ.

Run with /usr/bin/python3 (Debian's python3-optuna 3.1, which has no GPSampler: that came in Optuna 3.6).

usage: optuna_samplers.py quality < job.json   job: {"problems": [...], "samplers": [...], "seeds": [...], "checkpoints": [...]}
       optuna_samplers.py cost < job.json      job: {"problems": [...], "samplers": [...], "sizes": [...], "repeats": R}
       optuna_samplers.py version < job.json   (job: {}) Optuna's and Python's versions
"""
import json
import math
import statistics
import sys
import time
import warnings

import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.trial import TrialState


def coordinates(p):
    return [p[f"x{i}"] for i in range(len(p))]


def branin(p):
    x, y = p["x"], p["y"]
    b, c, t = 5.1 / (4 * math.pi * math.pi), 5 / math.pi, 1 / (8 * math.pi)
    return (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - t) * math.cos(x) + 10


HARTMANN_ALPHA = [1.0, 1.2, 3.0, 3.2]
HARTMANN_A = [
    [10, 3, 17, 3.5, 1.7, 8],
    [0.05, 10, 17, 0.1, 8, 14],
    [3, 3.5, 1.7, 10, 17, 8],
    [17, 8, 0.05, 10, 0.1, 14],
]
HARTMANN_P = [
    [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
    [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
    [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650],
    [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
]


def hartmann6(p):
    x = coordinates(p)
    total = 0.0
    for i in range(4):
        inner = sum(HARTMANN_A[i][j] * (x[j] - HARTMANN_P[i][j]) ** 2 for j in range(6))
        total += HARTMANN_ALPHA[i] * math.exp(-inner)
    return -total


def rosenbrock(p):
    x = coordinates(p)
    return sum(100 * (x[i + 1] - x[i] * x[i]) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))


def ackley(p):
    x = coordinates(p)
    squares = sum(v * v for v in x) / len(x)
    cosines = sum(math.cos(2 * math.pi * v) for v in x) / len(x)
    return -20 * math.exp(-0.2 * math.sqrt(squares)) - math.exp(cosines) + 20 + math.e


def styblinski_tang(p):
    return 0.5 * sum(v**4 - 16 * v * v + 5 * v for v in coordinates(p))


MIXED_KINDS = {"a": (1.0, -2.0, 2.0), "b": (0.0, 1.5, -1.0), "c": (0.5, 3.0, 3.0), "d": (2.0, -4.0, -4.0)}


def mixed_integer(p):
    offset, cx, cy = MIXED_KINDS[p["kind"]]
    return (offset + (p["x0"] - cx) ** 2 + (p["x1"] - cy) ** 2
            + 0.5 * (p["n0"] - 3) ** 2 + (math.log2(p["n1"]) - 4) ** 2)


FUNCTIONS = {
    "branin": branin,
    "hartmann6": hartmann6,
    "rosenbrock10": rosenbrock,
    "ackley5": ackley,
    "styblinski_tang8": styblinski_tang,
    "mixed_int_cat": mixed_integer,
}


def distributions(space):
    """The C# space as Optuna distributions: float (log, step), int (log, step), categorical."""
    result = {}
    for p in space:
        if p["kind"] == "float":
            result[p["name"]] = FloatDistribution(p["low"], p["high"], log=p["log"], step=p.get("step"))
        elif p["kind"] == "int":
            result[p["name"]] = IntDistribution(p["low"], p["high"], log=p["log"], step=p["step"])
        else:
            result[p["name"]] = CategoricalDistribution(p["choices"])
    return result


def make_sampler(name, seed):
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
    if name == "tpe_multivariate":
        return optuna.samplers.TPESampler(seed=seed, multivariate=True)
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if name == "cmaes":
        return optuna.samplers.CmaEsSampler(seed=seed)
    raise ValueError(f"unknown sampler {name}")


def quality(job):
    checkpoints = job["checkpoints"]
    budget = max(checkpoints)
    for problem in job["problems"]:
        f = FUNCTIONS[problem["name"]]
        space = distributions(problem["space"])
        for sampler in job["samplers"]:
            for seed in job["seeds"]:
                start = time.perf_counter()
                study = optuna.create_study(sampler=make_sampler(sampler, seed), direction="minimize")
                # ask/tell with the whole space, as the campaign grain asks our samplers; define-by-run would
                # suggest the same parameters in the same order.
                for _ in range(budget):
                    trial = study.ask(space)
                    study.tell(trial, f(trial.params))
                values = [t.value for t in study.trials]
                best = [min(values[:c]) for c in checkpoints]
                print(json.dumps({"problem": problem["name"], "sampler": sampler, "seed": seed, "best": best,
                                  "best_params": study.best_params, "best_value": study.best_value,
                                  "seconds": time.perf_counter() - start}), flush=True)


def random_history(space, f, size):
    """`size` completed trials at uniform random points, drawn by Optuna's RandomSampler."""
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=size), direction="minimize")
    for _ in range(size):
        trial = study.ask(space)
        study.tell(trial, f(trial.params))
    return study.trials


def cost(job):
    """Milliseconds of one suggestion (`study.ask` with the space: trial creation in the in-memory storage and the
    sampling of every parameter) with `size` completed trials in the study: median thread CPU time (the clock the .NET
    side reads too) and median wall time over `repeats` calls, after one untimed call."""
    for problem in job["problems"]:
        f = FUNCTIONS[problem["name"]]
        space = distributions(problem["space"])
        for size in job["sizes"]:
            history = random_history(space, f, size)
            for sampler in job["samplers"]:
                study = optuna.create_study(sampler=make_sampler(sampler, 1), direction="minimize",
                                            storage=optuna.storages.InMemoryStorage())
                study.add_trials(history)
                cpu, wall = [], []
                for r in range(job["repeats"] + 1):
                    start, start_cpu = time.perf_counter(), time.thread_time()
                    trial = study.ask(space)
                    elapsed, elapsed_cpu = time.perf_counter() - start, time.thread_time() - start_cpu
                    # Failed trials are ignored by TPE, so every timed suggestion sees the same history.
                    study.tell(trial, state=TrialState.FAIL)
                    if r > 0:
                        cpu.append(elapsed_cpu * 1000)
                        wall.append(elapsed * 1000)
                print(json.dumps({"problem": problem["name"], "sampler": sampler, "size": size, "cpu_ms": statistics.median(cpu),
                                  "wall_ms": statistics.median(wall), "repeats": len(cpu)}), flush=True)


def version(_job):
    print(json.dumps({"optuna": optuna.__version__, "python": sys.version.split()[0]}))


def main():
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    # multivariate TPE is "experimental" in 3.1, and CMA-ES warns that it samples the categorical parameter at random.
    warnings.filterwarnings("ignore")
    job = json.load(sys.stdin)
    {"quality": quality, "cost": cost, "version": version}[sys.argv[1]](job)


if __name__ == "__main__":
    main()
