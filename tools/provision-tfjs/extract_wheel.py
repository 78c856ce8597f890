"""Extracts the TensorFlow C API from a tensorflow-cpu wheel into a libtensorflow directory.

Usage: python3 extract_wheel.py WHEEL DEST [SOURCE_DIR ...]

DEST receives lib/ (libtensorflow_cc.so.2, which exports the TF_*/TFE_* C API, and
libtensorflow_framework.so.2) and include/ with exactly the headers that tfjs-node's binding reaches
from tensorflow/c/c_api.h and tensorflow/c/eager/c_api.h (the #include closure, resolved inside the
wheel), plus whatever the C/C++ files in each SOURCE_DIR (tfjs-node's binding/) include. Streams members to disk: the C++ library is close to 800 MB.
"""
import os
import re
import shutil
import sys
import zipfile

ROOT_HEADERS = ["tensorflow/c/c_api.h", "tensorflow/c/eager/c_api.h"]
LIBRARIES = ["libtensorflow_cc.so.2", "libtensorflow_framework.so.2"]
INCLUDE_PREFIX = "tensorflow/include/"
INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def source_includes(source_dirs):
    found = []
    for source_dir in source_dirs:
        for name in sorted(os.listdir(source_dir)):
            if name.endswith((".cc", ".h", ".c", ".cpp")):
                with open(os.path.join(source_dir, name), encoding="utf-8", errors="replace") as f:
                    found.extend(h for h in INCLUDE_RE.findall(f.read()) if h.startswith(("tensorflow/", "tsl/", "xla/")))
    return found


def header_closure(wheel, extra_roots):
    names = set(wheel.namelist())
    pending, seen = list(ROOT_HEADERS) + list(extra_roots), set()
    while pending:
        header = pending.pop()
        if header in seen:
            continue
        member = INCLUDE_PREFIX + header
        if member not in names:
            if header in ROOT_HEADERS or header in extra_roots:
                raise SystemExit(f"{member} is missing from the wheel, but the binding needs it")
            continue  # a system or optional header: the compiler finds it, or it is not needed
        seen.add(header)
        text = wheel.read(member).decode("utf-8", "replace")
        pending.extend(INCLUDE_RE.findall(text))
    return sorted(seen)


def main(wheel_path, dest, source_dirs):
    with zipfile.ZipFile(wheel_path) as wheel:
        names = set(wheel.namelist())
        for lib in LIBRARIES:
            member = "tensorflow/" + lib
            if member not in names:
                raise SystemExit(f"{member} is missing from {wheel_path}: this wheel has no TensorFlow C library")
            with wheel.open(member) as src, open(f"{dest}/lib/{lib}", "wb") as out:
                shutil.copyfileobj(src, out, 16 << 20)
        headers = header_closure(wheel, source_includes(source_dirs))
        for header in headers:
            target = f"{dest}/include/{header}"

            os.makedirs(os.path.dirname(target), exist_ok=True)
            with wheel.open(INCLUDE_PREFIX + header) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out)
    print(f"{len(headers)} headers")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit("usage: extract_wheel.py WHEEL DEST [SOURCE_DIR ...]")
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
