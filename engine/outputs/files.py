"""Writing an output file so that nobody ever sees half of it, nothing else is touched, and
nothing is left behind.

The bytes are written into an unnamed file in the target's folder (``O_TMPFILE``, where Linux
offers it: a ``kill -9`` while writing leaves nothing), then given a temporary name and renamed
over the target in one step. The target must be a regular file or not exist yet: a symbolic
link, a device, a FIFO or a folder is refused, never replaced. An existing file keeps its
permissions; a new one gets what the umask gives any file the user makes. Every failure is one
line naming the file (``OutputError``).
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from dsl.errors import Diagnostic, UsageError
from dsl.i18n import _


class OutputError(UsageError):
    pass


def _refuse(target: Path, message: str) -> OutputError:
    return OutputError([Diagnostic(message, None, str(target))])


def _mode_for(target: Path) -> int:
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
    if stat.S_ISLNK(info.st_mode):
        raise _refuse(target, _("is a symbolic link (to {real}); write to the file itself")
                      .format(real=os.path.realpath(target)))
    if not stat.S_ISREG(info.st_mode):
        raise _refuse(target, _("is not a regular file (a folder, a device or a pipe); "
                                "name a file to write"))
    return stat.S_IMODE(info.st_mode)


def write_file(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` atomically (see the module's text)."""
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise _refuse(target, _("cannot create the folder {folder}: {reason}").format(
            folder=folder, reason=err.strerror)) from None
    mode = _mode_for(target)
    try:
        _write(target, data, mode)
    except OSError as err:
        raise _refuse(target, _("cannot write: {reason}").format(reason=err.strerror)) from None


def _write(target: Path, data: bytes, mode: int) -> None:
    folder = target.parent
    tmp_flag = getattr(os, "O_TMPFILE", 0)
    fd = -1
    if tmp_flag:
        try:
            fd = os.open(folder, tmp_flag | os.O_WRONLY, mode)
        except OSError:
            fd = -1  # a file system without unnamed files: a named temporary file instead
    name = None
    if fd < 0:
        fd, name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fchmod(fh.fileno(), mode)
            if name is None:  # give the unnamed file a name only now, and rename it at once
                name = os.path.join(folder, f".{target.name}.{os.getpid()}.tmp")
                if os.path.lexists(name):
                    os.unlink(name)
                _link(fh.fileno(), name)
        os.replace(name, target)
    except BaseException:
        if name is not None and os.path.lexists(name):
            os.unlink(name)
        raise


def _link(fd: int, name: str) -> None:
    """Name an unnamed file: linkat(2) following /proc's link to it (a directory fd makes
    Python call linkat with AT_SYMLINK_FOLLOW rather than link(2), which refuses)."""
    here = os.open(".", os.O_RDONLY)
    try:
        os.link(f"/proc/self/fd/{fd}", name, src_dir_fd=here, follow_symlinks=True)
    finally:
        os.close(here)
