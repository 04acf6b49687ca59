"""`python -m bench.profile FILE.raw`: where a py-spy raw profile spent its samples."""

from __future__ import annotations

import sys
from collections import Counter


def summarize(path: str, top: int = 30) -> str:
    own, within, total = Counter(), Counter(), 0
    with open(path) as lines:
        for line in lines:
            stack, _, count = line.rstrip().rpartition(" ")
            if not stack or not count.isdigit():  # a line cut short when the server stopped
                continue
            frames, n = stack.split(";"), int(count)
            total += n
            own[frames[-1]] += n
            for frame in set(frames):
                within[frame] += n
    out = [f"{total} samples", "self:"]
    out += [f"{100 * n / total:5.1f}%  {frame}" for frame, n in own.most_common(top)]
    out += ["inclusive:"]
    out += [f"{100 * n / total:5.1f}%  {frame}" for frame, n in within.most_common(top)]
    return "\n".join(out)


if __name__ == "__main__":
    print(summarize(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 30))
