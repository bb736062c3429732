"""Writes mediapipe.json: what MediaPipe itself finds on the committed test photographs.

The golden values for tests/mediapipe_reference.rs. Run in a venv with the pinned wheel
(the same one the models come from):

    python3.11 -m venv /tmp/mp-venv
    /tmp/mp-venv/bin/pip install mediapipe==0.10.21
    /tmp/mp-venv/bin/python face/tests/golden/mediapipe_reference.py

Uses the legacy `solutions` API in static-image mode: short-range detector (model_selection=0),
then the 468-point mesh without attention (refine_landmarks=False) on the detector's region.
Coordinates are written in image pixels; z is MediaPipe's normalised z times the image width.
"""

import json
import os
import sys

import mediapipe as mp
from mediapipe.python.solutions import face_detection, face_mesh

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGES = os.path.join(HERE, "..", "images")
NAMES = ["astronaut.jpg", "grace_hopper.jpg"]


def load_rgb(path):
    # mediapipe's own decoder, so the pixels are the ones it saw.
    return mp.Image.create_from_file(path).numpy_view()[:, :, :3].copy()


def round_floats(value):
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, list):
        return [round_floats(v) for v in value]
    if isinstance(value, dict):
        return {k: round_floats(v) for k, v in value.items()}
    return value


def main():
    out = {"mediapipe": mp.__version__, "images": {}}
    with face_detection.FaceDetection(model_selection=0, min_detection_confidence=0.5) as det, \
            face_mesh.FaceMesh(static_image_mode=True, max_num_faces=4,
                               refine_landmarks=False, min_detection_confidence=0.5) as mesh:
        for name in NAMES:
            rgb = load_rgb(os.path.join(IMAGES, name))
            h, w = rgb.shape[:2]
            entry = {"width": w, "height": h, "detections": [], "meshes": []}
            for d in det.process(rgb).detections or []:
                b = d.location_data.relative_bounding_box
                entry["detections"].append({
                    "score": float(d.score[0]),
                    "box": [b.xmin * w, b.ymin * h, b.width * w, b.height * h],
                    "keypoints": [[k.x * w, k.y * h] for k in d.location_data.relative_keypoints],
                })
            for lm in mesh.process(rgb).multi_face_landmarks or []:
                entry["meshes"].append([[p.x * w, p.y * h, p.z * w] for p in lm.landmark])
            out["images"][name] = entry
            print(name, len(entry["detections"]), "detections", len(entry["meshes"]), "meshes",
                  file=sys.stderr)
    out = round_floats(out)
    with open(os.path.join(HERE, "mediapipe.json"), "w") as f:
        json.dump(out, f, indent=None, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
