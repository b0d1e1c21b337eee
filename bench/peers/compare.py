#!/usr/bin/env python3
"""bench/peers/compare.py ORCHC_OUT_DIR PEER_OUT_DIR - checks that a peer
program wrote the same files as `orchc build -o ORCHC_OUT_DIR` for the same
stack of bench/gen-stack.sh: every YAML file orchc writes under
compose/<stack>/ and k8s/<stack>/ must be in PEER_OUT_DIR at the same path,
and both must parse to the same data (mappings compare without order,
sequences in order, scalars by type and value: the string "8000" is not the
number 8000, nor true the number 1).  Comments are not data, so orchc's
headers do not count.  Peers write JSON, which is valid YAML.

orchc's notes for the operator (.env.example, secret.env.example,
.gitignore) are plain text: when the peer wrote one, the lines that are
neither comments nor blank must be the same; when it did not, the file is
listed as not written but does not fail the check.

A PEER_OUT_DIR without compose/ and k8s/ holds the compose files of the
compose-only peers (gen.jsonnet, gen.pkl) at its top: then only compose
files are compared.

Prints one line per differing file and exits 1 if there is any.
"""
import os
import sys

import yaml

YAML = ('.yaml', '.yml')
# The same constructors as yaml.SafeLoader, on the C parser when the module has it.
LOADER = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)


def same(a, b, path):
    """None if a and b are the same data, else where and how they differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in a:
            if key not in b:
                return f'{path}/{key}: missing'
        for key in b:
            if key not in a:
                return f'{path}/{key}: not written by orchc'
        for key in a:
            why = same(a[key], b[key], f'{path}/{key}')
            if why:
                return why
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f'{path}: {len(b)} items, want {len(a)}'
        for i, (x, y) in enumerate(zip(a, b)):
            why = same(x, y, f'{path}[{i}]')
            if why:
                return why
        return None
    if type(a) is not type(b) or a != b:
        return f'{path or "/"}: {b!r}, want {a!r}'
    return None


def text_lines(file):
    with open(file, encoding='utf-8') as f:
        return [line.rstrip('\n') for line in f
                if line.strip() and not line.lstrip().startswith('#')]


def files_under(top):
    """Paths of the files under top, relative to it."""
    found = []
    for root, _, names in os.walk(top):
        for name in names:
            found.append(os.path.relpath(os.path.join(root, name), top))
    return sorted(found)


def compare(orchc_dir, peer_dir, flat_compose):
    """Lines describing each difference, and lines of notes not written."""
    differ, unwritten = [], []
    subdirs = []
    for target in ('compose', 'k8s'):
        top = os.path.join(orchc_dir, target)
        if os.path.isdir(top):
            subdirs += [os.path.join(target, s) for s in sorted(os.listdir(top))]
    if flat_compose:
        subdirs = [s for s in subdirs if s.startswith('compose' + os.sep)]
        if len(subdirs) != 1:
            return [f'{orchc_dir}: want one stack under compose/ to compare a flat peer with'], []
    for sub in subdirs:
        peer_sub = peer_dir if flat_compose else os.path.join(peer_dir, sub)
        want = files_under(os.path.join(orchc_dir, sub))
        for rel in want:
            ours = os.path.join(orchc_dir, sub, rel)
            theirs = os.path.join(peer_sub, rel)
            shown = os.path.join(sub, rel)
            is_yaml = rel.endswith(YAML)
            if not os.path.isfile(theirs):
                (differ if is_yaml else unwritten).append(f'{shown}: not written by the peer')
                continue
            if is_yaml:
                try:
                    with open(ours, encoding='utf-8') as f:
                        a = yaml.load(f, Loader=LOADER)
                    with open(theirs, encoding='utf-8') as f:
                        b = yaml.load(f, Loader=LOADER)
                except yaml.YAMLError as e:
                    differ.append(f'{shown}: cannot parse: {e}'.replace('\n', ' '))
                    continue
                why = same(a, b, '')
            else:
                a, b = text_lines(ours), text_lines(theirs)
                why = None if a == b else f'lines {b!r}, want {a!r}'
            if why:
                differ.append(f'{shown}: {why}')
        if os.path.isdir(peer_sub):
            extra = set(files_under(peer_sub)) - set(want)
            if flat_compose:
                extra = {f for f in extra if f.endswith(YAML)}
            differ += [f'{os.path.join(sub, rel)}: not written by orchc' for rel in sorted(extra)]
    return differ, unwritten


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: compare.py ORCHC_OUT_DIR PEER_OUT_DIR')
    orchc_dir, peer_dir = sys.argv[1:]
    flat = not any(os.path.isdir(os.path.join(peer_dir, t)) for t in ('compose', 'k8s'))
    differ, unwritten = compare(orchc_dir, peer_dir, flat)
    for line in unwritten:
        print(f'note: {line} (a text note, not an object)', file=sys.stderr)
    for line in differ:
        print(line)
    if differ:
        print(f'compare: {len(differ)} files differ', file=sys.stderr)
        sys.exit(1)
    print('compare: the same data' + (' (compose only)' if flat else ''), file=sys.stderr)


if __name__ == '__main__':
    main()
