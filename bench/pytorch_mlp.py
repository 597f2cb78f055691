"""PyTorch side of bench/run-trainer-vs-pytorch.sh: trains one benchmark network on the CPU and prints training
samples per second, one JSON line per repetition, after a one-epoch warm-up.

Same recipe as bench/EnsembleFarm.Bench (TrainerBench): ReLU MLP, Adam lr 1e-3, BCE-with-logits for one output or
softmax cross-entropy otherwise, features uniform in [-1, 1), labels uniform over the classes, rows shuffled every
epoch. Run with /usr/bin/python3 (Debian's python3-torch); set OMP_NUM_THREADS / OPENBLAS_NUM_THREADS to the thread
count and LD_LIBRARY_PATH to the OpenBLAS flavour wanted.

usage: pytorch_mlp.py NAME WIDTHS BATCH ROWS EPOCHS THREADS REPETITIONS   (WIDTHS like 10,64,64,1)
"""
import json
import sys
import time

import torch


def mapped_blas():
    """The BLAS shared objects this process has mapped (run after a matmul, so that a lazy load has happened)."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    return sorted(paths)


def build(widths):
    layers = []
    for i in range(len(widths) - 1):
        layers.append(torch.nn.Linear(widths[i], widths[i + 1]))
        if i < len(widths) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def train(model, features, labels, batch, epochs, binary):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    criterion = torch.nn.BCEWithLogitsLoss() if binary else torch.nn.CrossEntropyLoss()
    rows = features.shape[0]
    total = torch.zeros(())
    for _ in range(epochs):
        order = torch.randperm(rows)
        total = torch.zeros(())
        for start in range(0, rows, batch):
            index = order[start:start + batch]
            x, y = features[index], labels[index]
            optimizer.zero_grad(set_to_none=False)
            loss = criterion(model(x).squeeze(1) if binary else model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.detach() * x.shape[0]
    return float(total) / rows


def main(argv):
    if len(argv) != 8:
        sys.exit(__doc__)
    name, widths = argv[1], [int(w) for w in argv[2].split(",")]
    batch, rows, epochs, threads, repetitions = (int(v) for v in argv[3:8])
    torch.set_num_threads(threads)
    torch.manual_seed(7)
    binary = widths[-1] == 1
    classes = 2 if binary else widths[-1]
    features = torch.rand(rows, widths[0]) * 2 - 1
    labels = torch.randint(classes, (rows,))
    labels = labels.float() if binary else labels

    model = build(widths)
    train(model, features, labels, batch, 1, binary)
    for _ in range(repetitions):
        model = build(widths)
        started = time.perf_counter()
        loss = train(model, features, labels, batch, epochs, binary)
        seconds = time.perf_counter() - started
        print(json.dumps({"side": "pytorch", "network": name, "batch": batch, "threads": threads,
                          "samples_per_s": round(rows * epochs / seconds, 1), "seconds": round(seconds, 4),
                          "final_loss": round(loss, 5), "torch": torch.__version__,
                          "torch_threads": torch.get_num_threads(), "blas": mapped_blas()}), flush=True)


if __name__ == "__main__":
    main(sys.argv)
