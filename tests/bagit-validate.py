#!/usr/bin/env python3
# tests/bagit-validate.py BAGDIR - check an unpacked bag against RFC 8493 (BagIt 1.0) with code
# that shares nothing with libhoso: a second reading of the RFC, in another language, used by the
# tests next to sha256sum -c. No BagIt validator that runs offline ships in Debian 12 or npm
# (the npm 'bagit' package wraps bagit-python, which Debian does not package).
# Prints "valid" or one line per problem; exit 0 when valid, 1 when not, 2 on usage.
import hashlib
import os
import re
import sys
import unicodedata

ALGS = {"md5": hashlib.md5, "sha1": hashlib.sha1, "sha256": hashlib.sha256,
        "sha512": hashlib.sha512}
problems = []


def bad(msg):
    problems.append(msg)


def decode_path(p):
    # RFC 8493 2.1.3: CR, LF and % are percent-encoded in manifest paths; nothing else is.
    def dec(m):
        return {"%0D": "\r", "%0A": "\n", "%25": "%"}.get(m.group(0).upper(), m.group(0))
    return re.sub(r"%[0-9A-Fa-f]{2}", dec, p)


def read_manifest(bag, name, want_prefix):
    alg = name.split("-", 1)[1].rsplit(".", 1)[0]
    if alg not in ALGS:
        bad(f"{name}: unknown algorithm {alg}")
        return alg, {}
    entries = {}
    with open(os.path.join(bag, name), "rb") as f:
        data = f.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        bad(f"{name}: not UTF-8")
        return alg, {}
    for n, line in enumerate(text.splitlines(), 1):
        if line == "":
            continue
        m = re.fullmatch(r"([0-9a-fA-F]+)[ \t]+(.+)", line)
        if m is None:
            bad(f"{name}:{n}: not 'checksum filepath'")
            continue
        path = decode_path(m.group(2))
        parts = path.split("/")
        if path.startswith("/") or ".." in parts or "." in parts or "" in parts:
            bad(f"{name}:{n}: path {path!r} leaves the bag or is not normalized")
            continue
        if want_prefix is not None and not path.startswith(want_prefix):
            bad(f"{name}:{n}: {path!r} is not under {want_prefix}")
        if path in entries:
            bad(f"{name}:{n}: {path!r} listed twice")
        entries[path] = m.group(1).lower()
    return alg, entries


def digest(path, alg):
    h = ALGS[alg]()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main():
    if len(sys.argv) != 2:
        print("usage: bagit-validate.py BAGDIR", file=sys.stderr)
        return 2
    bag = sys.argv[1]
    # 2.1.1: the declaration, exactly these two lines.
    try:
        with open(os.path.join(bag, "bagit.txt"), "rb") as f:
            decl = f.read().decode("utf-8")
        lines = decl.splitlines()
        if len(lines) != 2 or not re.fullmatch(r"BagIt-Version: \d+\.\d+", lines[0]) or \
                lines[1] != "Tag-File-Character-Encoding: UTF-8":
            bad("bagit.txt: not the two-line BagIt declaration")
    except (OSError, UnicodeDecodeError) as e:
        bad(f"bagit.txt: {e}")
    if not os.path.isdir(os.path.join(bag, "data")):
        bad("no data/ directory")
    names = sorted(os.listdir(bag))
    payload_manifests = [n for n in names if re.fullmatch(r"manifest-[a-z0-9]+\.txt", n)]
    tag_manifests = [n for n in names if re.fullmatch(r"tagmanifest-[a-z0-9]+\.txt", n)]
    if not payload_manifests:
        bad("no payload manifest (manifest-ALG.txt)")
    # Every payload file, by walking data/ (symlinks are not files of a bag).
    files = set()
    for root, dirs, fs in os.walk(os.path.join(bag, "data")):
        for f in fs:
            full = os.path.join(root, f)
            rel = os.path.relpath(full, bag).replace(os.sep, "/")
            if os.path.islink(full):
                bad(f"{rel}: a symbolic link in the payload")
            files.add(rel)
    nfc = {}
    for f in files:
        k = unicodedata.normalize("NFC", f).casefold()
        if k in nfc:
            bad(f"{f!r} and {nfc[k]!r} differ only by case or normalization")
        nfc[k] = f
    for name in payload_manifests:
        alg, entries = read_manifest(bag, name, "data/")
        # 3: every payload file is in every payload manifest, and each listed file exists.
        for f in sorted(files - set(entries)):
            bad(f"{name}: {f} is in data/ but not listed")
        for f, want in sorted(entries.items()):
            full = os.path.join(bag, f)
            if not os.path.isfile(full):
                bad(f"{name}: {f} is listed but missing")
            elif alg in ALGS and digest(full, alg) != want:
                bad(f"{name}: {f}: {alg} does not match")
    for name in tag_manifests:
        alg, entries = read_manifest(bag, name, None)
        for f, want in sorted(entries.items()):
            if f.startswith("data/") or f.startswith("tagmanifest-"):
                bad(f"{name}: {f} is not a tag file another tag manifest may list")
                continue
            full = os.path.join(bag, f)
            if not os.path.isfile(full):
                bad(f"{name}: {f} is listed but missing")
            elif alg in ALGS and digest(full, alg) != want:
                bad(f"{name}: {f}: {alg} does not match")
    # 2.2.2: bag-info.txt, label ":" value lines with indented continuations; Payload-Oxum.
    info = os.path.join(bag, "bag-info.txt")
    if os.path.exists(info):
        with open(info, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        fields = []
        for n, line in enumerate(text.splitlines(), 1):
            if line[:1] in (" ", "\t") and fields:
                fields[-1][1] += " " + line.strip()
            elif ":" in line and line.split(":", 1)[0].strip() == line.split(":", 1)[0] != "":
                label, value = line.split(":", 1)
                fields.append([label, value.strip()])
            else:
                bad(f"bag-info.txt:{n}: not 'Label: value'")
        for label, value in fields:
            if label == "Payload-Oxum":
                m = re.fullmatch(r"(\d+)\.(\d+)", value)
                size = sum(os.path.getsize(os.path.join(bag, f)) for f in files)
                if m is None or int(m.group(1)) != size or int(m.group(2)) != len(files):
                    bad(f"bag-info.txt: Payload-Oxum {value} is not {size}.{len(files)}")
    if problems:
        for p in problems:
            print(p)
        return 1
    print("valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
