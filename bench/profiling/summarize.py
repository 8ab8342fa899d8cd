#!/usr/bin/env python3
"""Summarizes an async-profiler collapsed profile taken with 'threads': CPU share per thread group
(thread names with their numbers folded), the kernel's share of each, and the top self frames.
Usage: summarize.py FILE.collapsed [TOP]"""
import collections
import re
import sys

if len(sys.argv) < 2:
    sys.exit(__doc__)
top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
total = 0
by_thread = collections.Counter()
kernel = collections.Counter()
self_frames = collections.Counter()
with open(sys.argv[1]) as f:
    for line in f:
        stack, _, count = line.rstrip('\n').rpartition(' ')
        if not count.isdigit():
            continue
        n = int(count)
        frames = stack.split(';')
        group = re.sub(r'\d+', 'N', frames[0]) if frames[0].startswith('[') else '(no thread)'
        total += n
        by_thread[group] += n
        if frames[-1].endswith('_[k]'):
            kernel[group] += n
        self_frames[frames[-1]] += n
if total == 0:
    sys.exit('no samples in ' + sys.argv[1])
print(f'samples: {total}; kernel: {100 * sum(kernel.values()) / total:.1f}%')
print('by thread group (share of all samples, of which kernel):')
for group, n in by_thread.most_common(top):
    print(f'  {100 * n / total:5.1f}%  kernel {100 * kernel[group] / total:4.1f}%  {group}')
print('top self frames:')
for frame, n in self_frames.most_common(top):
    print(f'  {100 * n / total:5.1f}%  {frame[:140]}')
