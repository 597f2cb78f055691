#!/usr/bin/env python3
"""An EnsembleFarm command trainer in PyTorch (docs/trainer-protocol.md).

The silo starts it as `COMMAND TRIAL_JSON`. It trains the spec's dense network or cnn1d on the trial's rows, prints one
JSON line per epoch on stdout, and writes metrics.json, predictions.csv and model.safetensors into the trial's output
folder, the tensors named as the farm's model loader reads them, so `farm predict` and `farm export` use the model.
Needs only torch and numpy (Debian: python3-torch); uses CUDA when the trial may and a GPU is visible
(CUDA_VISIBLE_DEVICES, set by the silo, chooses which).
"""
import csv
import json
import math
import os
import struct
import sys

import numpy as np
import torch
from torch import nn


def main():
    trial = json.load(open(sys.argv[1] if len(sys.argv) > 1 else os.environ["ENSEMBLEFARM_TRIAL"]))
    model_spec, training = trial["model"], trial["training"]
    torch.manual_seed(trial["seed"] % (2 ** 63))
    np.random.seed(trial["seed"] % (2 ** 32))
    torch.set_num_threads(max(1, training["threads"]))
    device = torch.device("cuda" if trial["device"] in ("cuda", "auto") and torch.cuda.is_available() else "cpu")

    features, targets = read_dataset(trial)
    mean = np.asarray(trial["standardizer"]["mean"], dtype=np.float32)
    scale = np.asarray(trial["standardizer"]["scale"], dtype=np.float32)
    features = (features - mean) / scale
    task, width = trial["task"], trial["output_width"]
    parts = {name: (torch.from_numpy(features[rows]), torch.from_numpy(targets[rows]))
             for name, rows in ((n, np.asarray(trial["rows"][n], dtype=np.int64)) for n in ("train", "validation", "test"))}

    model = Network(model_spec, features.shape[1], width).to(device)
    initialize(model, model_spec)
    loss_fn = Loss(training["loss"], task, device)
    optimizer = make_optimizer(model, training["optimizer"])
    stopping = training["early_stopping"]
    best, best_epoch, best_state, best_metrics, waited = None, 0, None, {}, 0
    x_train, y_train = parts["train"]
    batch = training["batch_size"]
    generator = torch.Generator().manual_seed(trial["seed"] % (2 ** 63))
    epoch = 0
    for epoch in range(1, training["epochs"] + 1):
        set_learning_rate(optimizer, training, epoch)
        model.train()
        total, seen = 0.0, 0
        for index in torch.randperm(len(x_train), generator=generator).split(batch):
            x, y = x_train[index].to(device), y_train[index].to(device)
            loss = train_step(model, loss_fn, x, y, training.get("fgsm_epsilon"))
            optimizer.zero_grad()
            loss.backward()
            if training.get("gradient_clip"):
                nn.utils.clip_grad_norm_(model.parameters(), training["gradient_clip"])
            optimizer.step()
            total += loss.item() * len(index)
            seen += len(index)
        metrics = {"train_loss": total / max(seen, 1)}
        metrics.update(evaluate(model, loss_fn, *parts["validation"], task, device, "val_"))
        print(json.dumps({"epoch": epoch, "metrics": metrics, "samples": seen}), flush=True)
        if not all(math.isfinite(v) for v in metrics.values()):
            sys.exit(f"training diverged at epoch {epoch}: {metrics}")
        if stopping is not None and stopping["metric"] in metrics:
            value = metrics[stopping["metric"]]
            better = best is None or (value > best + stopping["min_delta"] if stopping["mode"] == "max" else value < best - stopping["min_delta"])
            if better:
                best, best_epoch, waited, best_metrics = value, epoch, 0, metrics
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
            else:
                waited += 1
                if waited >= stopping["patience"]:
                    break
    if stopping is not None and stopping["restore_best"] and best_state is not None:
        model.load_state_dict(best_state)
    else:
        best_epoch, best_metrics = epoch, metrics

    out = trial["output"]
    predictions = predict(model, parts["test"][0], task, device)
    np.savetxt(os.path.join(out, "predictions.csv"), predictions.reshape(len(predictions), -1), fmt="%.9g", delimiter=",")
    final = {k: v for k, v in best_metrics.items() if k.startswith("val_")}
    final.update({"epochs_run": epoch, "best_epoch": best_epoch})
    with open(os.path.join(out, "metrics.json"), "w") as f:
        json.dump(final, f)
    write_safetensors(os.path.join(out, "model.safetensors"), model.state_dict())


def read_dataset(trial):
    dataset = trial["dataset"]
    with open(dataset["path"], newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        where = {name: i for i, name in enumerate(header)}
        feature_at = [where[name] for name in dataset["feature_columns"]]
        target_at = [where[name] for name in dataset["target_columns"]]
        rows = list(reader)
    features = np.array([[row[i] for i in feature_at] for row in rows], dtype=np.float32)
    targets = np.array([[row[i] for i in target_at] for row in rows], dtype=np.float32)
    return features, targets


class Network(nn.Module):
    """The farm's architecture, module for module, so that state_dict() names are the farm's tensor names."""

    def __init__(self, spec, inputs, outputs):
        super().__init__()
        self.spec = spec
        self.conv = nn.ModuleList()
        self.conv_norms = nn.ModuleList()
        self.pools = []
        channels, length = 1, inputs
        for stage in spec.get("conv") or []:
            padding = (stage["kernel"] - 1) // 2 if stage["padding"] == "same" else 0
            self.conv.append(nn.Conv1d(channels, stage["filters"], stage["kernel"], padding=padding))
            if spec["batch_norm"]:
                self.conv_norms.append(nn.BatchNorm1d(stage["filters"]))
            self.pools.append(stage["pool"])
            channels, length = stage["filters"], (length + 2 * padding - stage["kernel"] + 1) // stage["pool"]
        width = channels * length if self.conv else inputs
        self.layers = nn.ModuleList()
        self.norms = nn.ModuleList()
        self.residual = []
        for hidden in spec["hidden"]:
            self.layers.append(nn.Linear(width, hidden))
            if spec["batch_norm"]:
                self.norms.append(nn.BatchNorm1d(hidden))
            self.residual.append(spec["residual"] and width == hidden)
            width = hidden
        self.layers.append(nn.Linear(width, outputs))
        self.dropout = nn.Dropout(spec["dropout"])

    def activate(self, x):
        name = self.spec["activation"]
        if name == "relu":
            return torch.relu(x)
        if name == "leaky_relu":
            return nn.functional.leaky_relu(x, self.spec["leaky_relu_slope"])
        if name == "tanh":
            return torch.tanh(x)
        if name == "sigmoid":
            return torch.sigmoid(x)
        return nn.functional.gelu(x, approximate="tanh")

    def forward(self, x):
        if len(self.conv):
            x = x.unsqueeze(1)
            for i, conv in enumerate(self.conv):
                x = conv(x)
                if len(self.conv_norms):
                    x = self.conv_norms[i](x)
                x = self.activate(x)
                if self.pools[i] > 1:
                    x = nn.functional.max_pool1d(x, self.pools[i])
            x = x.flatten(1)
        for i, linear in enumerate(self.layers[:-1]):
            y = linear(x)
            if len(self.norms):
                y = self.norms[i](y)
            y = self.dropout(self.activate(y))
            x = x + y if self.residual[i] else y
        return self.layers[-1](x)


def initialize(model, spec):
    """model.init for the linear layers (docs/trainer.md); convolutions keep PyTorch's default."""
    scheme = spec["init"]
    if scheme == "pytorch":
        return
    relu_like = spec["activation"] in ("relu", "leaky_relu", "gelu")
    for i, layer in enumerate(model.layers):
        w = layer.weight
        output = i == len(model.layers) - 1
        if scheme == "he_uniform" or (scheme == "he_xavier_uniform" and relu_like and not output):
            nn.init.kaiming_uniform_(w, nonlinearity="relu")
        elif scheme == "he_normal":
            nn.init.kaiming_normal_(w, nonlinearity="relu")
        elif scheme in ("xavier_uniform", "he_xavier_uniform"):
            nn.init.xavier_uniform_(w)
        elif scheme == "xavier_normal":
            nn.init.xavier_normal_(w)
        elif scheme == "orthogonal":
            nn.init.orthogonal_(w)
        nn.init.zeros_(layer.bias)


class Loss:
    def __init__(self, spec, task, device):
        self.name, self.task, self.spec = spec["name"], task, spec
        weights = spec.get("class_weights")
        self.weights = torch.tensor(weights, dtype=torch.float32, device=device) if weights else None

    def __call__(self, outputs, y):
        name = self.name
        if name == "softmax_cross_entropy":
            return nn.functional.cross_entropy(outputs, y[:, 0].long(), weight=self.weights)
        if name == "mse":
            return nn.functional.mse_loss(outputs, y)
        if name == "huber":
            return nn.functional.huber_loss(outputs, y, delta=self.spec["huber_delta"])
        weight = None if self.weights is None else self.weights[y.long()]
        if name == "focal":
            p = torch.sigmoid(outputs)
            pt = torch.where(y > 0.5, p, 1 - p)
            ce = nn.functional.binary_cross_entropy_with_logits(outputs, y, reduction="none")
            loss = (1 - pt) ** self.spec["focal_gamma"] * ce
            alpha = self.spec.get("focal_alpha")
            if alpha is not None:
                loss = loss * torch.where(y > 0.5, torch.full_like(y, alpha), torch.full_like(y, 1 - alpha))
            return (loss * weight).mean() if weight is not None else loss.mean()
        return nn.functional.binary_cross_entropy_with_logits(outputs, y, weight=weight)


def train_step(model, loss_fn, x, y, fgsm_epsilon):
    if not fgsm_epsilon:
        return loss_fn(model(x), y)
    # FGSM: the loss on the clean batch and on x + ε·sign(∇x J), averaged.
    x = x.clone().requires_grad_(True)
    clean = loss_fn(model(x), y)
    gradient, = torch.autograd.grad(clean, x, retain_graph=True)
    adversarial = loss_fn(model((x + fgsm_epsilon * gradient.sign()).detach()), y)
    return 0.5 * (clean + adversarial)


def make_optimizer(model, spec):
    name, lr = spec["name"], spec["learning_rate"]
    if name == "sgd":
        return torch.optim.SGD(model.parameters(), lr=lr, momentum=spec["momentum"], nesterov=spec["nesterov"] and spec["momentum"] > 0,
                               weight_decay=spec["weight_decay"])
    kind = torch.optim.AdamW if name == "adamw" else torch.optim.Adam
    return kind(model.parameters(), lr=lr, betas=tuple(spec["betas"]), eps=spec["epsilon"], weight_decay=spec["weight_decay"])


def set_learning_rate(optimizer, training, epoch):
    base, schedule = training["optimizer"]["learning_rate"], training["schedule"]
    if epoch <= schedule["warmup_epochs"]:
        rate = base * epoch / (schedule["warmup_epochs"] + 1)
    elif schedule["name"] == "step":
        rate = base * schedule["step_gamma"] ** ((epoch - 1 - schedule["warmup_epochs"]) // max(1, schedule["step_epochs"]))
    elif schedule["name"] == "cosine":
        span = max(1, training["epochs"] - schedule["warmup_epochs"])
        progress = (epoch - 1 - schedule["warmup_epochs"]) / span
        rate = schedule["min_learning_rate"] + (base - schedule["min_learning_rate"]) * 0.5 * (1 + math.cos(math.pi * progress))
    else:
        rate = base
    for group in optimizer.param_groups:
        group["lr"] = rate


@torch.no_grad()
def predict(model, x, task, device):
    model.eval()
    outputs = torch.cat([model(chunk.to(device)).float().cpu() for chunk in x.split(4096)])
    if task == "binary":
        outputs = torch.sigmoid(outputs)
    elif task == "multiclass":
        outputs = torch.softmax(outputs, dim=1)
    return outputs.numpy()


@torch.no_grad()
def evaluate(model, loss_fn, x, y, task, device, prefix):
    if len(x) == 0:
        return {}
    model.eval()
    outputs = torch.cat([model(chunk.to(device)).float().cpu() for chunk in x.split(4096)])
    metrics = {prefix + "loss": loss_fn(outputs.to(device), y.to(device)).item()}
    if task == "binary":
        p = torch.sigmoid(outputs[:, 0]).numpy()
        labels = y[:, 0].numpy()
        metrics[prefix + "accuracy"] = float(((p > 0.5) == (labels > 0.5)).mean())
        metrics[prefix + "auc"] = auc(p, labels)
    elif task == "multiclass":
        metrics[prefix + "accuracy"] = float((outputs.argmax(1) == y[:, 0].long()).float().mean())
    else:
        metrics[prefix + "rmse"] = float(torch.sqrt(((outputs - y) ** 2).mean()))
    return metrics


def auc(scores, labels):
    """ROC AUC by ranks (ties get their mean rank)."""
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    positives = labels > 0.5
    n_pos, n_neg = positives.sum(), (~positives).sum()
    if n_pos == 0 or n_neg == 0:
        return 0.5
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def write_safetensors(path, state):
    """safetensors without the safetensors package: an 8-byte little-endian header length, a JSON header, raw F32 data."""
    tensors = {name: t.detach().float().cpu().contiguous() for name, t in state.items() if not name.endswith("num_batches_tracked")}
    header, offset, blobs = {"__metadata__": {"format": "pt", "producer": "examples/trainers/pytorch_trainer.py"}}, 0, []
    for name, tensor in tensors.items():
        blob = tensor.numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


if __name__ == "__main__":
    main()
