#!/usr/bin/env bash
# Train the default 16-bar model in ONE call on a lent GPU (the device tool) and bring back what to ship.
#
#   device run: command "bash model_training/gpu_session.sh", carry ["data/corpus.npz"], timeout_s 600
#
# A session gets about 15 minutes of device time in all and a command at most 10, so training gets
# MINUTES (default 7); the rest is the machine's start, the attribute vectors and the copy back.
# The device image's python3 has torch, numpy and safetensors, which is all the core's training path
# imports (no pip install there). What comes back in $OUT (fp16 weights, each file under 16 MiB):
#   $OUT/model/   model.safetensors, config.json, attributes.safetensors (ship_model's layout)
#   $OUT/progress.jsonl, $OUT/run.json, $OUT/gpu.txt (GPU, driver, torch, cuDNN)
# Then on the CPU here: evaluate_model, compare with the shipped model, and ship only a better one
# (model_training/README.md, "Train on a lent GPU").
#
# Knobs (environment): DATA (default data/corpus.npz), MINUTES, CONFIG, DEVICE (cuda; cpu for a dry run), RUN (run folder),
# INIT_FROM (a model folder to fine-tune, e.g. one an earlier session brought back), EXTRA (more
# `mguv train` arguments, e.g. "--set batch_size=256"), PY (the python to use).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${OUT:?set OUT to the folder whose files come back}"
DATA=${DATA:-data/corpus.npz}
MINUTES=${MINUTES:-7}
CONFIG=${CONFIG:-model_training/configs/melody_16bar_gpu.json}
DEVICE=${DEVICE:-cuda}
RUN=${RUN:-runs/gpu}
PY=${PY:-python3}
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1

{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || echo "no nvidia-smi"
  "$PY" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "cudnn", torch.backends.cudnn.version())'
} | tee "$OUT/gpu.txt"

args=(train "$DATA" --out "$RUN" --config "$CONFIG" --device "$DEVICE" --set "max_minutes=$MINUTES")
[ -n "${INIT_FROM:-}" ] && args+=(--init-from "$INIT_FROM")
# shellcheck disable=SC2206
[ -n "${EXTRA:-}" ] && args+=($EXTRA)
status=0
"$PY" -m mguv_app "${args[@]}" > "$OUT/progress.jsonl" || status=$?
grep -E '"event": "(start|eval|note|error|done)"' "$OUT/progress.jsonl" | tail -n 20 || true
grep '"event": "progress"' "$OUT/progress.jsonl" | tail -n 1 || true
cp "$RUN/run.json" "$OUT/" 2>/dev/null || true
if [ -f "$RUN/model/model.safetensors" ]; then
  "$PY" -m model_training.ship_model "$RUN/model" "$OUT/model"
fi
exit "$status"
