"""Optuna side of `EnsembleFarm.Bench farm-throughput`: trials per second of W worker processes on one study, with
Optuna's RDB storage on a PostgreSQL database, the random or TPE sampler and an objective that returns at once. Prints
one JSON line.

It is the opponent the farm's no-op trials are measured against, made as fast as Optuna allows: the study is created
once by this parent process, each worker process loads it (its own storage engine, as separate machines would), all
wait at a barrier, and the clock runs from the barrier to the last worker's end, so neither Python's start-up nor
the imports are counted. Optuna's logging is set to WARNING: at its default (INFO) each completed trial also queries
the best trial to log it, which would slow it down. The objective suggests one float x uniform in [1e-4, 1] (a trial
with a parameter is what a sampler is for) and returns x squared: the farm's search of the same bench searches
training.optimizer.learning_rate over the same range, and its no-op trainer reports the same square as val_loss.

SAMPLER is random (the default) or tpe. TPE is set up as the farm's TPE runs by default (docs/search.md): 10 random
start-up trials, multivariate, constant liar for the trials other workers are running; Optuna's defaults for the rest
(24 candidates, gamma min(ceil(0.1 n), 25), prior weight 1) are the farm's too.

Run with /usr/bin/python3 (Debian's python3-optuna 3.1, SQLAlchemy 1.4, psycopg2).

usage: optuna_throughput.py URL WORKERS TRIALS [SAMPLER]   (URL like postgresql+psycopg2://postgres@127.0.0.1:5432/db)
"""
import json
import multiprocessing
import sys
import time
import warnings

import optuna

STUDY = "throughput"


def objective(trial):
    x = trial.suggest_float("x", 1e-4, 1.0)
    return x * x


def make_sampler(name, seed):
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    # multivariate and constant_liar are experimental in Optuna 3.1: its warning about that says nothing here.
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
    return optuna.samplers.TPESampler(seed=seed, n_startup_trials=10, multivariate=True, constant_liar=True)


def worker(url, trials, seed, sampler, barrier):
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = optuna.storages.RDBStorage(url)
    study = optuna.load_study(study_name=STUDY, storage=storage, sampler=make_sampler(sampler, seed))
    barrier.wait()
    study.optimize(objective, n_trials=trials)


def main():
    url, workers, trials = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    sampler = sys.argv[4] if len(sys.argv) > 4 else "random"
    if sampler not in ("random", "tpe"):
        sys.exit(f"SAMPLER must be random or tpe, got {sampler!r}")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = optuna.storages.RDBStorage(url)
    optuna.create_study(study_name=STUDY, storage=storage, direction="minimize")
    storage.engine.dispose()

    # spawn: each worker imports Optuna and opens its own engine, as a process on another machine would.
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(workers + 1)
    shares = [trials // workers + (1 if i < trials % workers else 0) for i in range(workers)]
    processes = [context.Process(target=worker, args=(url, shares[i], 1000 + i, sampler, barrier)) for i in range(workers)]
    for process in processes:
        process.start()
    barrier.wait()
    started = time.perf_counter()
    for process in processes:
        process.join()
    seconds = time.perf_counter() - started
    failed = [p.exitcode for p in processes if p.exitcode != 0]

    # Optuna's own timestamps (each worker's clock, microseconds): the first trial's start to the last one's end.
    storage = optuna.storages.RDBStorage(url)
    study = optuna.load_study(study_name=STUDY, storage=storage)
    done = [t for t in study.get_trials(deepcopy=False) if t.state == optuna.trial.TrialState.COMPLETE]
    span = (max(t.datetime_complete for t in done) - min(t.datetime_start for t in done)).total_seconds() if done else float("nan")
    storage.engine.dispose()
    print(json.dumps({
        "side": "optuna", "optuna": optuna.__version__, "sampler": sampler, "workers": workers, "trials": trials, "completed": len(done),
        "best_value": min(t.value for t in done) if done else None,
        "seconds": round(seconds, 4), "trials_per_s": round(len(done) / seconds, 2),
        "span_s": round(span, 4), "span_trials_per_s": round(len(done) / span, 2) if span > 0 else None,
        "failed_workers": failed,
    }))
    return 1 if failed or len(done) != trials else 0


if __name__ == "__main__":
    sys.exit(main())
