"""What dlib's own Python binding computes for the committed test photos (golden/dlib_python.json).

The Rust shim must agree with it: same detector, same 5-point alignment (150 px chip, padding
0.25), same network. Regenerate (network: PyPI only) with

    python3 -m venv /tmp/dlibref && /tmp/dlibref/bin/pip install dlib-bin==20.0.1.post1 \
        numpy==2.4.6 pillow==13.0.0
    SHIMIN_FACEMATCH_MODELS=... /tmp/dlibref/bin/python facematch/tests/golden/dlib_reference.py \
        > facematch/tests/golden/dlib_python.json

dlib-bin is a prebuilt wheel of dlib 20.0.1; the crate links Debian's dlib 19.24.
"""

import json
import os
import sys
from pathlib import Path

import dlib
import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
IMAGES = HERE.parents[2] / "face" / "tests" / "images"
cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.environ["HOME"], ".cache")
models = Path(os.environ.get("SHIMIN_FACEMATCH_MODELS") or os.path.join(cache, "shimin", "face-recognition-models-0.3.0"))

detector = dlib.get_frontal_face_detector()
landmarks = dlib.shape_predictor(str(models / "shape_predictor_5_face_landmarks.dat"))
net = dlib.face_recognition_model_v1(str(models / "dlib_face_recognition_resnet_model_v1.dat"))

out = {"dlib": dlib.__version__, "images": {}}
for name in ["astronaut.jpg", "grace_hopper.jpg"]:
    img = np.array(Image.open(IMAGES / name).convert("RGB"))
    dets, scores, _ = detector.run(img, 0, 0.0)
    # The largest detection scoring at least 0.2, as FaceMatcher picks it.
    faces = sorted(((d, s) for d, s in zip(dets, scores) if s >= 0.2), key=lambda ds: -ds[0].area())
    box, score = faces[0]
    shape = landmarks(img, box)
    descriptor = net.compute_face_descriptor(img, shape, 0, 0.25)
    out["images"][name] = {
        "box": [box.left(), box.top(), box.width(), box.height()],
        "score": round(score, 4),
        "landmarks": [[p.x, p.y] for p in shape.parts()],
        "descriptor": [round(float(v), 6) for v in descriptor],
    }
json.dump(out, sys.stdout, indent=1)
sys.stdout.write("\n")
