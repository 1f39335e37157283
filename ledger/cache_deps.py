"""What a cached load depends on besides the code (ledger.cache): the digests of the
files beancount read and of the plugin modules the books name, and the names of the
files beancount turns into Document entries."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from pathlib import Path


def sha(path: str | Path) -> str | None:
    try:
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return None


def plugin_modules(options: dict) -> list[str]:
    """Files of the plugin modules the books name (beancount's own are covered by its
    version, ours by plugin_files())."""
    files = []
    for name, _config in options.get("plugin", []):
        if name.startswith(("beancount.", "ledger.")) or name == "ledger":
            continue
        saved = list(sys.path)
        try:
            sys.path[0:0] = options.get("pythonpath", [])
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        finally:
            sys.path[:] = saved
        files.append(spec.origin if spec and spec.origin else f"<missing plugin {name}>")
    return files


def documents(options: dict, main: Path) -> str:
    """The names of the files beancount turns into Document entries."""
    h = hashlib.sha256()
    for folder in options.get("documents", []):
        root = Path(folder) if Path(folder).is_absolute() else main.parent / folder
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(filenames):
                h.update(os.path.join(dirpath, name).encode() + b"\0")
    return h.hexdigest()


def dependencies(options: dict, main: Path) -> dict[str, str | None]:
    deps = {path: sha(path) for path in options.get("include", [])}
    for path in plugin_modules(options):
        deps[path] = sha(path)
    return deps
