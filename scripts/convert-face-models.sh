#!/usr/bin/env bash
# Reproduce models/*.onnx from the registry packages (issue 5).
#
# The ONNX files are committed; normal builds never run this. It:
#   1. downloads the pinned mediapipe wheel from PyPI and checks its sha256,
#   2. extracts the two .tflite models and checks their sha256,
#   3. converts them with tf2onnx on tensorflow-cpu in a throwaway venv,
#   4. checks that each ONNX file computes what the .tflite computes (TFLite interpreter vs
#      onnxruntime on a fixed input, max |diff| < 1e-3),
#   5. copies them to models/ and rewrites models/SHA256SUMS.
#
# tf2onnx names some constants differently on every run, so a fresh conversion is equivalent to the
# committed file but not byte-identical; step 4 is what proves equivalence. Without --force the
# script only verifies the committed files against models/SHA256SUMS and exits (idempotent).
#
# Usage: scripts/convert-face-models.sh [--force]
# Env:   FACE_WORK=DIR   keep the venv and downloads there (default: a temp dir, removed at exit)
#        PYTHON=python3.11
set -euo pipefail

MEDIAPIPE_VERSION=0.10.21
MEDIAPIPE_WHEEL=mediapipe-0.10.21-cp311-cp311-manylinux_2_28_x86_64.whl
MEDIAPIPE_WHEEL_SHA256=05dc4a9e593655a79558d05d6227d31018c2537a4bd3362b51e230cf22aecfe3
DETECTOR_TFLITE=mediapipe/modules/face_detection/face_detection_short_range.tflite
DETECTOR_TFLITE_SHA256=bbff11cebd1eb27a1e004cae0b0e63ec8c551cbf34a4451148b4908b8db3eca8
LANDMARK_TFLITE=mediapipe/modules/face_landmark/face_landmark.tflite
LANDMARK_TFLITE_SHA256=1055cb9d4a9ca8b8c688902a3a5194311138ba256bcc94e336d8373a5f30c814
TF2ONNX_VERSION=1.17.0
TENSORFLOW_VERSION=2.21.0
OPSET=13
ONNXRUNTIME_VERSION=1.23.2

root="$(cd "$(dirname "$0")/.." && pwd)"
models="$root/models"
force=0
[[ "${1:-}" == "--force" ]] && force=1

if [[ $force -eq 0 && -f "$models/SHA256SUMS" ]]; then
  if (cd "$models" && sha256sum --check --quiet SHA256SUMS); then
    echo "models/*.onnx match models/SHA256SUMS; nothing to do (use --force to reconvert)"
    exit 0
  fi
  echo "models/ does not match models/SHA256SUMS; reconverting" >&2
fi

python="${PYTHON:-python3.11}"
if [[ -n "${FACE_WORK:-}" ]]; then
  work="$FACE_WORK"
  mkdir -p "$work"
else
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi

check_sha() { # file expected
  local got
  got="$(sha256sum "$1" | cut -d' ' -f1)"
  if [[ "$got" != "$2" ]]; then
    echo "sha256 mismatch for $1: got $got, expected $2" >&2
    exit 1
  fi
}

if [[ ! -x "$work/venv/bin/python" ]]; then
  "$python" -m venv "$work/venv"
fi
"$work/venv/bin/pip" install --quiet "tf2onnx==$TF2ONNX_VERSION" "tensorflow-cpu==$TENSORFLOW_VERSION" "onnxruntime==$ONNXRUNTIME_VERSION"

if [[ ! -f "$work/wheel/$MEDIAPIPE_WHEEL" ]]; then
  "$work/venv/bin/pip" download --quiet --no-deps --only-binary=:all: \
    --python-version 3.11 --platform manylinux_2_28_x86_64 \
    -d "$work/wheel" "mediapipe==$MEDIAPIPE_VERSION"
fi
check_sha "$work/wheel/$MEDIAPIPE_WHEEL" "$MEDIAPIPE_WHEEL_SHA256"

rm -rf "$work/x"
mkdir -p "$work/x"
(cd "$work/x" && "$work/venv/bin/python" -m zipfile -e "$work/wheel/$MEDIAPIPE_WHEEL" .)
check_sha "$work/x/$DETECTOR_TFLITE" "$DETECTOR_TFLITE_SHA256"
check_sha "$work/x/$LANDMARK_TFLITE" "$LANDMARK_TFLITE_SHA256"

for tfl in "$DETECTOR_TFLITE" "$LANDMARK_TFLITE"; do
  name="$(basename "$tfl" .tflite)"
  "$work/venv/bin/python" -m tf2onnx.convert --tflite "$work/x/$tfl" \
    --output "$work/$name.onnx" --opset "$OPSET" >"$work/$name.log" 2>&1 \
    || { cat "$work/$name.log" >&2; exit 1; }
  # The converted graph must compute what the original computes.
  "$work/venv/bin/python" - "$work/x/$tfl" "$work/$name.onnx" <<'PY'
import sys
import numpy as np
import onnx
import onnxruntime as ort
import tensorflow as tf

tfl_path, onnx_path = sys.argv[1], sys.argv[2]
interp = tf.lite.Interpreter(model_path=tfl_path)
interp.allocate_tensors()
inp = interp.get_input_details()[0]
rng = np.random.default_rng(5)
x = rng.uniform(-1.0, 1.0, size=inp["shape"]).astype(np.float32)
interp.set_tensor(inp["index"], x)
interp.invoke()
want = [interp.get_tensor(o["index"]) for o in interp.get_output_details()]
model = onnx.load(onnx_path)
sess = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
got = sess.run(None, {model.graph.input[0].name: x})
want = sorted(want, key=lambda a: a.size)
got = sorted(got, key=lambda a: a.size)
worst = max(float(np.max(np.abs(w.reshape(-1) - g.reshape(-1)))) for w, g in zip(want, got))
print(f"{onnx_path}: max |tflite - onnx| = {worst:.2e}")
if worst > 1e-3:
    sys.exit("converted model differs from the tflite original")
PY
done

mkdir -p "$models"
cp "$work/face_detection_short_range.onnx" "$work/face_landmark.onnx" "$models/"
cp "$work/x/mediapipe-$MEDIAPIPE_VERSION.dist-info/LICENSE" "$models/LICENSE-mediapipe"
(cd "$models" && sha256sum face_detection_short_range.onnx face_landmark.onnx >SHA256SUMS)
cat "$models/SHA256SUMS"
echo "update the ONNX sha256 values in models/README.md if they changed"
