"""PyTorch throughput of memgeo's four benchmark models, for `memgeo bench train` to compare against.

    /usr/bin/python3 lib/bench/torch_bench.py THREADS [--seconds S] [--infer-seconds S] [--models a,b]

Prints one JSON object per model: threads, model, train_img_s (SGD lr 0.01, batch 128, cross-entropy,
one fixed random batch, after 3 warm-up steps) and infer_img_s (eval mode, no_grad, batch 512). The
architectures match lib/src/cli/bench/benchModels.ts.
"""
import argparse
import json
import time

import torch
from torch import nn


def conv(cin, cout):
    return nn.Conv2d(cin, cout, kernel_size=3, padding=1)


def build(name):
    if name == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10)), (1, 28, 28)
    if name == "cnn2":
        return nn.Sequential(conv(1, 16), nn.ReLU(), nn.MaxPool2d(2), conv(16, 32), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32 * 7 * 7, 10)), (1, 28, 28)
    channels, side = (3, 32) if name == "cnn4c" else (1, 28)
    features = 64 * (side // 4) ** 2
    layers = [conv(channels, 32), nn.BatchNorm2d(32), nn.ReLU(), conv(32, 32), nn.ReLU(), nn.MaxPool2d(2),
              conv(32, 64), nn.BatchNorm2d(64), nn.ReLU(), conv(64, 64), nn.ReLU(), nn.MaxPool2d(2),
              nn.Flatten(), nn.Linear(features, 128), nn.ReLU(), nn.Linear(128, 10)]
    return nn.Sequential(*layers), (channels, side, side)


def per_second(fn, seconds, warmup):
    for _ in range(warmup):
        fn()
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds or calls < 3:
        fn()
        calls += 1
    return calls / (time.perf_counter() - start)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("threads", type=int)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--infer-seconds", type=float, default=3.0)
    ap.add_argument("--models", default="mlp,cnn2,cnn4,cnn4c")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    for name in args.models.split(","):
        model, shape = build(name)
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        loss_fn = nn.CrossEntropyLoss()
        x, y = torch.randn(128, *shape), torch.randint(0, 10, (128,))

        def step():
            opt.zero_grad()
            loss_fn(model(x), y).backward()
            opt.step()

        train = 128 * per_second(step, args.seconds, 3)
        model.eval()
        xi = torch.randn(512, *shape)
        with torch.no_grad():
            infer = 512 * per_second(lambda: model(xi), args.infer_seconds, 1)
        print(json.dumps({"torch": torch.__version__, "threads": args.threads, "model": name, "train_img_s": round(train, 1), "infer_img_s": round(infer, 1)}), flush=True)


if __name__ == "__main__":
    main()
