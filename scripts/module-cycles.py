#!/usr/bin/env python3
"""Finds import cycles between the modules of a crate (issue 14: "no import cycles").

    scripts/module-cycles.py core/src [more/src ...]

Each `.rs` file is a module; a module depends on another when it names it through `crate::`,
`super::` or `self::` (in a `use` or inline). A module naming its own ancestor or descendant is
not counted (an `impl` spread over child modules is Rust's way). Test modules (`#[cfg(test)] mod
tests` at the end of a file) are left out. Two levels are checked: top-level modules
(`wallet` <-> `views`), and one level down (`liveness::actions` <-> `liveness::observation`).
Exit 1 and the cycle's edges when there is one.
"""
import os
import re
import sys


def modules(root):
    found = {}
    for dirpath, _, names in os.walk(root):
        for name in names:
            if not name.endswith(".rs"):
                continue
            path = os.path.join(dirpath, name)
            parts = os.path.relpath(path, root)[:-3].split(os.sep)
            if parts[-1] == "mod":
                parts = parts[:-1]
            if parts in (["lib"], ["main"]):
                parts = []
            found[tuple(parts)] = path
    return found


def expand(path):
    """`a::{b, c::{d, e}}` -> ['a::b', 'a::c::d', 'a::c::e']"""
    path = path.replace(" ", "").replace("\n", "")
    i = path.find("{")
    if i < 0:
        return [path]
    depth, j = 0, i
    for j in range(i, len(path)):
        if path[j] == "{":
            depth += 1
        elif path[j] == "}":
            depth -= 1
            if depth == 0:
                break
    head, inner, tail = path[:i], path[i + 1 : j], path[j + 1 :]
    items, depth, start = [], 0, 0
    for k, ch in enumerate(inner):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(inner[start:k])
            start = k + 1
    items.append(inner[start:])
    return [p for item in items if item for p in expand(head + item + tail)]


def references(mod, text, known):
    paths = []
    for m in re.finditer(r"\buse\s+([^;]+);", text):
        paths += expand(m.group(1))
    text_wo_use = re.sub(r"\buse\s+[^;]+;", "", text)
    paths += re.findall(r"\b(?:crate|super|self)(?:::\w+)+", text_wo_use)
    out = set()
    for p in paths:
        segs = [s for s in p.split(" as ")[0].split("::") if s]
        if not segs or segs[0] not in ("crate", "super", "self"):
            continue
        base = list(mod)
        if segs[0] == "crate":
            base, segs = [], segs[1:]
        elif segs[0] == "self":
            segs = segs[1:]
        while segs and segs[0] == "super":
            base, segs = base[:-1], segs[1:]
        full = base + segs
        for k in range(len(full), 0, -1):
            target = tuple(full[:k])
            if target in known:
                if target != mod and mod[: len(target)] != target and target[: len(mod)] != mod:
                    out.add(target)
                break
    return out


def cycles(edges, level):
    graph = {}
    for a, targets in edges.items():
        for b in targets:
            ca, cb = a[:level], b[:level]
            if ca and cb and ca != cb and ca[: len(cb)] != cb and cb[: len(ca)] != ca:
                graph.setdefault(ca, set()).add(cb)
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return [(c, [(a, b) for a in c for b in sorted(graph.get(a, ())) if b in c]) for c in found]


def main(roots):
    sys.setrecursionlimit(10_000)
    bad = 0
    for root in roots:
        known = modules(root)
        edges = {}
        for mod, path in known.items():
            with open(path, encoding="utf-8") as f:
                text = f.read()
            cut = text.find("#[cfg(test)]\nmod tests")
            text = text if cut < 0 else text[:cut]
            text = re.sub(r"//[^\n]*", "", text)
            edges[mod] = references(mod, text, known)
        for level in (1, 2):
            for component, pairs in cycles(edges, level):
                bad += 1
                print(f"{root}: import cycle between " + ", ".join("::".join(m) for m in component))
                for a, b in pairs:
                    print(f"    {'::'.join(a)} -> {'::'.join(b)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["core/src"]))
