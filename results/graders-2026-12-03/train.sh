#!/bin/bash
# the graders of issue 15: larger backbones, VAE round trip + blur/noise/colour augmentation, independent data/seed/backbone
set -e
export OMP_NUM_THREADS=1
rl4med-train-classifier --out runs/graders/reward_h6 --heads hair,gel_bubble,ruler,ink,MEL,NV --backbone regnetx_002 \
    --dropout 0.1 --epochs 12 --batch-size 64 --lr 3e-3 --augment --roundtrip 0.5 --latent-noise 0.15 --n-train 10000 \
    --data-seed 0 --seed 0 --device cpu --overwrite
rl4med-train-classifier --out runs/graders/evaluator_h4 --heads hair,gel_bubble,ruler,ink --backbone convnext_atto \
    --dropout 0.1 --epochs 12 --batch-size 64 --lr 1e-3 --augment --roundtrip 0.5 --latent-noise 0.15 --n-train 10000 \
    --data-seed 1 --seed 1 --device cpu --overwrite
