"""Runs a command under a pseudo-terminal and answers its prompts, as a person at a terminal would.

Reads one JSON object on stdin: {"argv": [...], "env": {...}, "steps": [{"expect": "text", "send": "text"}],
"timeout": seconds}. For each step it waits until `expect` has appeared in the terminal's output (after
the previous step's), then types `send`. Prints one JSON object: {"code": exit code or null, "signal":
signal number or null, "output": everything the terminal showed, "timed_out": bool}.
"""
import json
import os
import pty
import select
import sys
import time

spec = json.load(sys.stdin)
pid, fd = pty.fork()
if pid == 0:
    os.execvpe(spec["argv"][0], spec["argv"], spec["env"])

output = b""
deadline = time.monotonic() + spec.get("timeout", 60)
timed_out = False


def read_some(wait):
    global output
    ready, _, _ = select.select([fd], [], [], wait)
    if not ready:
        return True
    try:
        chunk = os.read(fd, 65536)
    except OSError:  # EIO: the child closed the terminal
        return False
    if not chunk:
        return False
    output += chunk
    return True


seen = 0
open_ = True
for step in spec["steps"]:
    want = step["expect"].encode()
    while open_ and want not in output[seen:]:
        if time.monotonic() > deadline:
            timed_out = True
            break
        open_ = read_some(0.1)
    if timed_out or want not in output[seen:]:
        break
    seen = output.index(want, seen) + len(want)
    os.write(fd, step["send"].encode())

while open_ and not timed_out:
    if time.monotonic() > deadline:
        timed_out = True
        break
    open_ = read_some(0.1)

if timed_out:
    os.kill(pid, 9)
_, status = os.waitpid(pid, 0)
print(json.dumps({
    "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
    "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
    "output": output.decode("utf-8", "replace"),
    "timed_out": timed_out,
}))
