#!/bin/bash
# issue 15 item 2: the shipped graders' backbones, data seeds and seeds, now trained with half of each batch sent through
# the shipped (8-channel, decoder-tuned) VAE and back, latent noise up to 0.15, on top of the blur/noise/colour augmentation
set -e
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
rl4med-train-classifier --out runs/graders-l8e/reward --heads hair,gel_bubble,ruler,ink,MEL,NV --backbone test_resnet \
    --dropout 0.1 --epochs 12 --batch-size 64 --lr 3e-3 --augment --roundtrip 0.5 --latent-noise 0.15 \
    --n-train 10000 --data-seed 0 --seed 0 --device cpu --overwrite --no-progress &
rl4med-train-classifier --out runs/graders-l8e/evaluator --heads hair,gel_bubble,ruler,ink --backbone test_byobnet \
    --dropout 0.1 --epochs 12 --batch-size 64 --lr 3e-3 --augment --roundtrip 0.5 --latent-noise 0.15 \
    --n-train 10000 --data-seed 1 --seed 1 --device cpu --overwrite --no-progress &
wait
