"""PyTorch peer for bench/run.ts: MobileNetV2-224, batch 32.

Usage: pytorch_peer.py REPS THREADS. Prints one JSON object: the rates in
the default memory format and in channels_last (which PyTorch users turn on
for CPU convolutions), and the BLAS library the process really loaded (torch
on Debian silently falls back to the reference BLAS, 2-3x slower). Weights
are random (no hub access); speed does not depend on weight values.
"frozen_head" re-runs the backbone every batch, as a plain PyTorch
fine-tuning loop does.
"""
import json
import sys
import time

import torch
import torchvision

BATCH = 32
REPS = int(sys.argv[1]) if len(sys.argv) > 1 else 3
torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
torch.manual_seed(0)


def loaded_blas():
    """Paths of the BLAS libraries mapped into this process (after a product, so BLAS is loaded)."""
    torch.randn(64, 64) @ torch.randn(64, 64)
    with open("/proc/self/maps", encoding="utf8") as maps:
        paths = {line.split()[-1] for line in maps if len(line.split()) >= 6}
    return sorted(p for p in paths if "blas" in p.split("/")[-1] or "/blas/" in p or "openblas" in p)


def rate(fn, images):
    fn()  # warm-up
    start = time.perf_counter()
    for _ in range(REPS):
        fn()
    return images * REPS / (time.perf_counter() - start)


def rates(channels_last):
    model = torchvision.models.mobilenet_v2(weights=None)
    model.classifier = torch.nn.Sequential(torch.nn.Dropout(0.2), torch.nn.Linear(1280, 5))
    x = torch.randn(BATCH, 3, 224, 224)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
        x = x.to(memory_format=torch.channels_last)
    y = torch.randint(0, 5, (BATCH,))
    loss_fn = torch.nn.CrossEntropyLoss()

    model.eval()

    def infer():
        with torch.no_grad():
            model(x)

    inference = rate(infer, BATCH)

    def train_step(params):
        opt = torch.optim.Adam(params, lr=1e-3)

        def step():
            opt.zero_grad()
            loss_fn(model(x), y).backward()
            opt.step()

        return step

    for p in model.features.parameters():
        p.requires_grad = False
    model.train()
    model.features.eval()  # frozen BatchNorm in inference mode, as Keras advises
    frozen_head = rate(train_step(model.classifier.parameters()), BATCH)

    for p in model.parameters():
        p.requires_grad = True
    model.train()
    full = rate(train_step(model.parameters()), BATCH)
    return {"inference_ips": inference, "frozen_head_ips": frozen_head, "full_finetune_ips": full}


def main():
    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "blas": loaded_blas(),
        **rates(channels_last=False),
        "channels_last": rates(channels_last=True),
    }))


if __name__ == "__main__":
    main()
