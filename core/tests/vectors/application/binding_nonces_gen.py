#!/usr/bin/env python3
"""Writes binding-nonces.json: the request nonce that binds a wallet presentation to a
department and an application (core::application::submission::binding_nonce), computed here
apart from the Rust code:

    nonce = SHA-256("shimin/application/v1" || credit code (18 ASCII bytes) || application id (16 bytes))[:16]
"""
import hashlib
import json
import pathlib

LABEL = b"shimin/application/v1"
CASES = [
    ("111101050000000017", "000102030405060708090a0b0c0d0e0f"),
    ("111101050000000017", "7d3f0c2a9b8e4f6a1c5d2e8f0a3b6c9d"),
    ("91350100M000100Y43", "7d3f0c2a9b8e4f6a1c5d2e8f0a3b6c9d"),
    ("91350100M000100Y43", "ffffffffffffffffffffffffffffffff"),
]

vectors = [
    {
        "department": code,
        "application_id": app,
        "nonce": hashlib.sha256(LABEL + code.encode("ascii") + bytes.fromhex(app)).hexdigest()[:32],
    }
    for code, app in CASES
]
out = pathlib.Path(__file__).with_name("binding-nonces.json")
out.write_text(json.dumps(vectors, indent=1) + "\n")
