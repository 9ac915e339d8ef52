"""How ``mguv train`` ends, as its exit status: shared by the loop that returns it and the Training tab's
process watcher that reads it (torch-free, so the window can import it without loading PyTorch)."""

from enum import IntEnum


class TrainExit(IntEnum):
    """``mguv train``'s exit status (``cmd_train.EXIT_CODES`` says the same to a user; each but OK ends with an
    ``{"event": "error"}`` line). 2 is also argparse's for a bad argument, with a message on stderr."""

    OK = 0  # finished, or stopped by SIGTERM / Ctrl+C with a checkpoint
    DATA = 2  # no training windows
    NAN = 3  # the loss became NaN
    OOM = 4  # out of GPU memory
    DISK = 5  # the disk is full: the last whole checkpoint resumes
