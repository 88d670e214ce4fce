#!/bin/bash
# third evaluator try: convnext_atto (lr 1e-3) reached 0.93 (gel bubble) / 0.94 (ink), lcnet_100 (lr 3e-3) 0.56 on ink
set -e
export OMP_NUM_THREADS=1
rl4med-train-classifier --out runs/graders/evaluator_h4 --heads hair,gel_bubble,ruler,ink --backbone regnety_002 \
    --dropout 0.1 --epochs 12 --batch-size 64 --lr 3e-3 --augment --roundtrip 0.5 --latent-noise 0.15 --n-train 10000 \
    --data-seed 1 --seed 1 --device cpu --overwrite
