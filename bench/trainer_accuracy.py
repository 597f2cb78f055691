"""PyTorch side of bench/TrainerAccuracy: trains the members that the C# side exported, the way the built-in trainer
trains them, and writes each member's test probabilities.

The C# side (EnsembleFarm.TrainerAccuracy) plans the campaign exactly as the farm does and writes to EXPORT_DIR:
  plan.json                      hyper-parameters (activation and init by their C# enum names), data shape, and
                                 per member its index, split seed and init seed
  features.f32, targets.f32      the data set as the farm read it (float32, row-major rows x columns; one target per row)
  rows/test.i32                  the campaign's test rows (int32)
  rows/member-NNN-train.i32      member NNN's training rows; rows/member-NNN-validation.i32 its validation rows
This script writes pytorch/member-NNN.f32 (P(y = 1) per test row, in test-row order, float32) and pytorch/member-NNN.json
({"epochs": epochs run, "seconds": the member's training and prediction}), as the C# side writes builtin/.

Per member, as Trainer.Fit does: standardisation z = (x - mean) / std fitted on the member's training rows only (std
with divisor n, a constant column gets 1); a dense network of the plan's widths and activation, initialised by the
plan's scheme from the member's init seed; Adam with the plan's settings; binary cross-entropy on one logit, the mean
over the batch; the training rows reshuffled every epoch, the last batch smaller; after every epoch the validation
loss (mean over the validation rows, inference mode), an improvement when it is below the best by more than min_delta,
a stop after `patience` epochs without one, and the best epoch's weights restored. Seeds cannot give the same random
streams in both frameworks: the init seed seeds torch's generator for the initial weights and the batch order, so a
member is reproducible here, and both sides draw from the same distributions.

usage: /usr/bin/python3 bench/trainer_accuracy.py EXPORT_DIR [SHARD SHARDS]   (members with index % SHARDS == SHARD)
"""
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch


def activation(name, slope):
    return {
        "Relu": lambda: torch.nn.ReLU(),
        "LeakyRelu": lambda: torch.nn.LeakyReLU(slope),
        "Tanh": lambda: torch.nn.Tanh(),
        "Sigmoid": lambda: torch.nn.Sigmoid(),
        "Gelu": lambda: torch.nn.GELU(approximate="tanh"),
    }[name]()


def initialise(linears, scheme, hidden_activation):
    """The farm's schemes (docs/trainer.md; C# names of EnsembleFarm.Models.Nn.Initialization) with torch.nn.init;
    PyTorch is nn.Linear's own default, left as drawn."""
    if scheme == "PyTorch":
        return
    relu_like = hidden_activation in ("Relu", "LeakyRelu", "Gelu")
    for i, linear in enumerate(linears):
        weight = linear.weight
        if scheme == "HeUniform":
            torch.nn.init.kaiming_uniform_(weight, nonlinearity="relu")
        elif scheme == "HeNormal":
            torch.nn.init.kaiming_normal_(weight, nonlinearity="relu")
        elif scheme == "XavierUniform":
            torch.nn.init.xavier_uniform_(weight)
        elif scheme == "XavierNormal":
            torch.nn.init.xavier_normal_(weight)
        elif scheme == "Orthogonal":
            torch.nn.init.orthogonal_(weight)
        elif scheme == "HeXavierUniform":
            # He before relu-like activations; Xavier before tanh and sigmoid, and for the output layer (the last).
            if relu_like and i < len(linears) - 1:
                torch.nn.init.kaiming_uniform_(weight, nonlinearity="relu")
            else:
                torch.nn.init.xavier_uniform_(weight)
        else:
            raise ValueError(f"unknown initialisation scheme {scheme!r}")
        torch.nn.init.zeros_(linear.bias)


def build(plan, inputs):
    network = plan["network"]
    widths = [inputs, *network["hidden"], 1]
    linears = [torch.nn.Linear(widths[i], widths[i + 1]) for i in range(len(widths) - 1)]
    initialise(linears, network["init"], network["activation"])
    layers = []
    for i, linear in enumerate(linears):
        layers.append(linear)
        if i < len(linears) - 1:
            layers.append(activation(network["activation"], network["leaky_relu_slope"]))
    return torch.nn.Sequential(*layers)


def standardise(features, train_rows):
    train = features[train_rows].astype(np.float64)
    mean = train.mean(axis=0)
    std = np.sqrt(((train - mean) ** 2).mean(axis=0))
    scale = np.where((std > 0) & np.isfinite(std), std, 1.0)
    mean, scale = mean.astype(np.float32), scale.astype(np.float32)
    return lambda rows: torch.from_numpy((features[rows] - mean) / scale)


def train_member(plan, member, features, targets, test_rows, rows_dir):
    training = plan["training"]
    train_rows = np.fromfile(rows_dir / f"member-{member['index']:03d}-train.i32", dtype="<i4")
    validation_rows = np.fromfile(rows_dir / f"member-{member['index']:03d}-validation.i32", dtype="<i4")
    transform = standardise(features, train_rows)
    x_train, y_train = transform(train_rows), torch.from_numpy(targets[train_rows])
    x_validation, y_validation = transform(validation_rows), torch.from_numpy(targets[validation_rows])
    x_test = transform(test_rows)

    generator = torch.Generator().manual_seed(member["init_seed"] % (1 << 63))
    torch.manual_seed(member["init_seed"] % (1 << 63))  # nn.Linear's default initialisation draws from the global generator
    model = build(plan, features.shape[1])
    optimizer = torch.optim.Adam(model.parameters(), lr=training["learning_rate"],
                                 betas=(training["beta1"], training["beta2"]), eps=training["epsilon"],
                                 weight_decay=training["weight_decay"])
    criterion = torch.nn.BCEWithLogitsLoss()
    stopping = training["early_stopping"]
    best_loss, best_state, waited = math.inf, None, 0
    batch, rows = min(training["batch_size"], len(train_rows)), len(train_rows)
    epochs_run = 0
    for epoch in range(1, training["epochs"] + 1):
        model.train()
        order = torch.randperm(rows, generator=generator)
        for start in range(0, rows, batch):
            index = order[start:start + batch]
            optimizer.zero_grad(set_to_none=False)
            loss = criterion(model(x_train[index]).squeeze(1), y_train[index])
            loss.backward()
            optimizer.step()
        epochs_run = epoch
        if stopping is None:
            continue
        model.eval()
        with torch.no_grad():
            validation_loss = float(criterion(model(x_validation).squeeze(1), y_validation))
        if validation_loss < best_loss - stopping["min_delta"]:
            best_loss, waited = validation_loss, 0
            if stopping["restore_best"]:
                best_state = {name: tensor.clone() for name, tensor in model.state_dict().items()}
        else:
            waited += 1
            if waited >= stopping["patience"]:
                break
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    with torch.no_grad():
        probabilities = torch.sigmoid(model(x_test).squeeze(1)).numpy().astype("<f4")
    return probabilities, epochs_run


def main(argv):
    if len(argv) not in (2, 4):
        sys.exit(__doc__)
    export = Path(argv[1])
    shard, shards = (int(argv[2]), int(argv[3])) if len(argv) == 4 else (0, 1)
    torch.set_num_threads(1)
    plan = json.loads((export / "plan.json").read_text())
    rows, columns = plan["rows"], plan["columns"]
    features = np.fromfile(export / "features.f32", dtype="<f4").reshape(rows, columns)
    targets = np.fromfile(export / "targets.f32", dtype="<f4")
    rows_dir = export / "rows"
    test_rows = np.fromfile(rows_dir / "test.i32", dtype="<i4")
    out = export / "pytorch"
    out.mkdir(exist_ok=True)
    for member in plan["members"]:
        if member["index"] % shards != shard:
            continue
        started = time.perf_counter()
        probabilities, epochs = train_member(plan, member, features, targets, test_rows, rows_dir)
        info = {"epochs": epochs, "seconds": round(time.perf_counter() - started, 3)}
        probabilities.tofile(out / f"member-{member['index']:03d}.f32")
        (out / f"member-{member['index']:03d}.json").write_text(json.dumps(info))


if __name__ == "__main__":
    main(sys.argv)
