"""Which files a seed-folder source may read: only those inside ``SEED_FOLDERS_ROOT``.

A seed-folder source makes the server read files on an admin's say-so, so the folder
is confined twice: when the source is saved (the form) and again at every poll,
because a folder can become a symlink to ``/etc`` after it was accepted, and a file
inside it can be a link to anywhere. Paths are compared after resolving symlinks.

An empty folder is refused, never read as "the current directory". A relative folder
is taken relative to the root, not to whatever directory the worker happens to run in.

Pure Python, no Django: the root is passed in.
"""

from __future__ import annotations

from pathlib import Path

SEED_SUFFIXES = {".txt"}


class SeedFolderRefused(ValueError):
    """A folder that may not be read. ``str()`` is the message for an admin."""


def confined_folder(folder: str, root: Path) -> Path:
    """The resolved path of ``folder`` when it is an existing directory inside ``root``."""
    if not folder.strip():
        raise SeedFolderRefused("no folder is set; a seed-folder source needs the folder to watch")
    real_root = root.resolve()
    real = (real_root / folder.strip()).resolve()
    if not real.is_relative_to(real_root):
        raise SeedFolderRefused(
            f"the folder {folder!r} is outside {real_root}, the only place seed folders may be "
            "(after following links); put the folder there, or have the operator change "
            "SEED_FOLDERS_ROOT"
        )
    if not real.is_dir():
        raise SeedFolderRefused(
            f"the folder {folder!r} does not exist on the server (or is not a folder); "
            "create it first or correct the path"
        )
    return real


def confined_seed_files(folder: Path, root: Path) -> tuple[list[Path], list[str]]:
    """The seed files under ``folder`` (sorted, resolved) and a message per file refused
    because it is a link to somewhere outside ``root``."""
    real_root = root.resolve()
    files: list[Path] = []
    refused: list[str] = []
    for path in sorted(folder.rglob("*")):
        if path.suffix not in SEED_SUFFIXES:
            continue
        real = path.resolve()
        if not real.is_relative_to(real_root):
            refused.append(f"{path}: not read, it is a link to a file outside {real_root}")
        elif real.is_file():
            files.append(real)
    return files, refused
