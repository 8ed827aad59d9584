"""PyTorch peer for bench/run.ts: MobileNetV2-224 on 2 CPU threads, batch 32.

Prints one JSON object. Weights are random (no hub access); speed does not
depend on weight values. "frozen_head" re-runs the backbone every batch, as a
plain PyTorch fine-tuning loop does.
"""
import json
import sys
import time

import torch
import torchvision

torch.set_num_threads(2)
torch.manual_seed(0)
BATCH = 32
REPS = int(sys.argv[1]) if len(sys.argv) > 1 else 3


def rate(fn, images):
    fn()  # warm-up
    start = time.perf_counter()
    for _ in range(REPS):
        fn()
    return images * REPS / (time.perf_counter() - start)


def main():
    model = torchvision.models.mobilenet_v2(weights=None)
    model.classifier = torch.nn.Sequential(torch.nn.Dropout(0.2), torch.nn.Linear(1280, 5))
    x = torch.randn(BATCH, 3, 224, 224)
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
    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "inference_ips": inference,
        "frozen_head_ips": frozen_head,
        "full_finetune_ips": full,
    }))


if __name__ == "__main__":
    main()
