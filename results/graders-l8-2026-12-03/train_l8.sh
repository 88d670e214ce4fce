#!/bin/bash
# graders of issue 15 through the 8-latent-channel VAE: round trip + blur/noise/colour augmentation,
# independent backbone / data seed / seed
set -e
export OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
V=results/vae-latent8-2026-12-03
rl4med-train-classifier --out runs/graders/reward_l8 --heads hair,gel_bubble,ruler,ink,MEL,NV --backbone regnetx_002 \
    --dropout 0.1 --epochs 12 --batch-size 64 --lr 3e-3 --augment --roundtrip 0.5 --latent-noise 0.15 --roundtrip-vae $V \
    --n-train 10000 --data-seed 0 --seed 0 --device cpu --overwrite
rl4med-train-classifier --out runs/graders/evaluator_l8 --heads hair,gel_bubble,ruler,ink --backbone regnety_002 \
    --dropout 0.1 --epochs 12 --batch-size 64 --lr 3e-3 --augment --roundtrip 0.5 --latent-noise 0.15 --roundtrip-vae $V \
    --n-train 10000 --data-seed 1 --seed 1 --device cpu --overwrite
