"""What a process that will hold keys does first: no core dump, and not dumpable.

An unsealed process holds the master key in memory. A crash would write that memory to a core
file on disk (or to systemd-coredump's store), where a seized disk gives it up; and a dumpable
process can be read by any other process running as the same user (ptrace, /proc/PID/mem).
`passage serve` and `passage db_worker` call `harden_process()` before anything else. Swap is
the remaining way memory reaches the disk: docs/sealing.md says to encrypt it.
"""

import ctypes
import resource

PR_SET_DUMPABLE = 4


def harden_process() -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE, 0) failed")
