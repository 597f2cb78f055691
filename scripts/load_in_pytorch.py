#!/usr/bin/env python3
"""Load an EnsembleFarm model (model.safetensors + model.json) into PyTorch and predict.

    python3 scripts/load_in_pytorch.py MODEL_DIR [FEATURES.csv]

MODEL_DIR is what TrainedModel.Save wrote. FEATURES.csv has a header; the model's feature columns are
taken by name (other columns are ignored). Without it the script only loads the model and prints it.
Predictions are printed one row per line: P(y=1) (binary), class probabilities (multiclass) or the
regression outputs, exactly what TrainedModel.Predict returns up to float rounding.

Needs only torch: safetensors.torch is used when installed, else the format is read directly.
"""
import csv
import json
import struct
import sys
from pathlib import Path

import torch
from torch import nn


def load_safetensors(path: Path) -> dict:
    try:
        from safetensors.torch import load_file
        return load_file(str(path))
    except ImportError:
        data = path.read_bytes()
        (header_length,) = struct.unpack("<Q", data[:8])
        header = json.loads(data[8:8 + header_length])
        body = data[8 + header_length:]
        tensors = {}
        for name, entry in header.items():
            if name == "__metadata__":
                continue
            if entry["dtype"] != "F32":
                raise ValueError(f"{name}: only F32 tensors are expected, got {entry['dtype']}")
            begin, end = entry["data_offsets"]
            values = torch.frombuffer(bytearray(body[begin:end]), dtype=torch.float32)
            tensors[name] = values.reshape(entry["shape"]).clone()
        return tensors


def activation(spec: dict) -> nn.Module:
    kind = spec["activation"]
    if kind == "relu":
        return nn.ReLU()
    if kind == "leakyRelu":
        return nn.LeakyReLU(spec["leakyReluSlope"])
    if kind == "tanh":
        return nn.Tanh()
    if kind == "sigmoid":
        return nn.Sigmoid()
    if kind == "gelu":
        return nn.GELU(approximate="tanh")  # EnsembleFarm uses the tanh form
    raise ValueError(f"unknown activation {kind}")


class DenseNetwork(nn.Module):
    """The same network as EnsembleFarm.Models.Nn.Network: per hidden width, Linear -> [BatchNorm1d] ->
    activation -> [Dropout], with x + block(x) when residual and the widths match; then a Linear output."""

    def __init__(self, spec: dict, input_width: int, output_width: int):
        super().__init__()
        widths = [input_width] + list(spec["hidden"])
        self.layers = nn.ModuleList(
            [nn.Linear(widths[i], widths[i + 1]) for i in range(len(spec["hidden"]))]
            + [nn.Linear(widths[-1], output_width)])
        self.norms = nn.ModuleList([nn.BatchNorm1d(w) for w in spec["hidden"]]) if spec["batchNorm"] else None
        self.activation = activation(spec)
        self.dropout = nn.Dropout(spec["dropout"])
        self.residual = spec["residual"]

    def forward(self, x):
        for i, linear in enumerate(self.layers[:-1]):
            y = linear(x)
            if self.norms is not None:
                y = self.norms[i](y)
            y = self.dropout(self.activation(y))
            x = x + y if self.residual and y.shape[1] == x.shape[1] else y
        return self.layers[-1](x)


def load_model(directory: Path):
    description = json.loads((directory / "model.json").read_text())
    model = DenseNetwork(description["network"], description["inputWidth"], description["outputWidth"])
    state = load_safetensors(directory / "model.safetensors")
    missing, unexpected = model.load_state_dict(state, strict=False)
    # BatchNorm1d also tracks a batch counter that inference does not use.
    missing = [k for k in missing if not k.endswith("num_batches_tracked")]
    if missing or unexpected:
        raise ValueError(f"weights do not fit the architecture: missing {missing}, unexpected {unexpected}")
    model.eval()
    return model, description


def predict(model, description, raw: torch.Tensor) -> torch.Tensor:
    mean = torch.tensor(description["standardizer"]["mean"], dtype=torch.float32)
    scale = torch.tensor(description["standardizer"]["scale"], dtype=torch.float32)
    with torch.no_grad():
        outputs = model((raw - mean) / scale)
    if description["task"] == "binary":
        return torch.sigmoid(outputs).reshape(-1, 1)
    if description["task"] == "multiclass":
        return torch.softmax(outputs, dim=1)
    return outputs


def read_features(path: Path, names) -> torch.Tensor:
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    return torch.tensor([[float(row[n]) for n in names] for row in rows], dtype=torch.float32)


def main(argv) -> int:
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    model, description = load_model(Path(argv[1]))
    if len(argv) == 2:
        print(model)
        return 0
    predictions = predict(model, description, read_features(Path(argv[2]), description["featureNames"]))
    for row in predictions.tolist():
        print(",".join(f"{v:.9g}" for v in row))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
