#!/usr/bin/env bash
# gen-tree.sh DIR — generate a deterministic /usr-like tree for bench/run.sh.
#
# Full scale: ~12,000 regular files, ~600 MB, sizes log-distributed from a few
# bytes to tens of MB (many small files, a few large), nested directories,
# symlinks (file, directory, dangling).  Same seed => same names, sizes,
# modes, mtimes and content.
#
# Environment:
#   BENCH_SCALE  fraction of the full tree (default 1; 0.1 = quick check)
#   BENCH_SEED   PRNG seed (default 20240601)
#
# DIR must not exist or be empty.  A stamp "DIR.stamp" is written next to DIR
# (never inside it) recording the parameters.  With --reuse (what the benches
# call), a DIR whose stamp matches is kept as it is, one made with other
# parameters is regenerated, and one without a stamp is refused.
set -euo pipefail

reuse=0
if [[ ${1:-} == --reuse ]]; then
	reuse=1
	shift
fi
if [[ $# -ne 1 || $1 == -h || $1 == --help ]]; then
	echo "usage: [BENCH_SCALE=0.1] [BENCH_SEED=N] $0 [--reuse] DIR" >&2
	exit 2
fi
dir=$1
scale=${BENCH_SCALE:-1}
seed=${BENCH_SEED:-20240601}

if ((reuse)); then
	stamp="scale=$scale seed=$seed version=1"
	if [[ -f $dir.stamp && "$(cat "$dir.stamp")" == "$stamp" ]]; then
		echo "gen-tree: reusing $dir ($stamp)" >&2
		exit 0
	fi
	if [[ -e $dir ]]; then
		[[ -f $dir.stamp ]] || {
			echo "gen-tree: $dir exists but was not made by gen-tree.sh; remove it or set BENCH_TREE" >&2
			exit 1
		}
		echo "gen-tree: tree parameters changed; regenerating $dir" >&2
		rm -rf -- "$dir" "$dir.stamp"
	fi
	mkdir -p "$(dirname "$dir")"
fi

if [[ -e $dir && -n "$(ls -A "$dir" 2>/dev/null)" ]]; then
	echo "gen-tree: $dir exists and is not empty" >&2
	exit 1
fi
mkdir -p "$dir"
rm -f "$dir.stamp"

python3 - "$dir" "$scale" "$seed" <<'PY'
import math, os, random, sys

root, scale, seed = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)

MB = 1 << 20
TARGET = int(600 * MB * scale)          # total bytes of regular files
N_SMALL = max(50, int(12000 * scale))   # lognormal "ordinary" files
# Ordinary files: lognormal, median ~5 KiB, capped below 1 MiB (docs, headers,
# .py, small .so); the byte budget left over goes to log-uniform large files
# 1..48 MiB (libLLVM, firmware blobs, locale archives ...).
SMALL_MU, SMALL_SIGMA, SMALL_CAP = math.log(5000), 1.7, MB - 1
LARGE_MIN, LARGE_MAX = MB, 48 * MB

# One seeded pool of pseudo-random bytes; each file takes a window of it at
# a seeded offset, prefixed with its own path so every file's digest differs.
POOL = 64 * MB
pool = rng.randbytes(POOL)
pool2 = pool + pool[:LARGE_MAX]         # windows may wrap

tops = {
    "bin": 0.06, "sbin": 0.01, "lib/x86_64-linux-gnu": 0.16, "lib/python3/dist-packages": 0.17,
    "libexec": 0.01, "include": 0.10, "share/doc": 0.12, "share/man": 0.07,
    "share/locale": 0.06, "share/icons/hicolor": 0.05, "share/perl5": 0.05,
    "share/zoneinfo": 0.04, "lib/firmware": 0.01, "share/misc": 0.02,
    "src": 0.03,
}
syll = ["lib", "gtk", "x", "core", "util", "net", "ssl", "py", "gl", "z", "ma",
        "ter", "ko", "dev", "pa", "ri", "so", "mo", "cu", "ne", "fi", "xt", "ba", "qu"]
exts = {"bin": [""], "sbin": [""], "libexec": [""],
        "lib/x86_64-linux-gnu": [".so", ".so.1", ".a", ".so.6.0.2"],
        "lib/python3/dist-packages": [".py", ".pyc", ".txt", ".so"],
        "include": [".h", ".hpp"], "share/doc": ["", ".gz", ".html", ".md"],
        "share/man": [".1.gz", ".3.gz", ".5.gz", ".8.gz"], "share/locale": [".mo"],
        "share/icons/hicolor": [".png", ".svg"], "share/perl5": [".pm", ".pl"],
        "share/zoneinfo": [""], "lib/firmware": [".bin", ".fw", ".ucode"],
        "share/misc": [".dat", ""], "src": [".c", ".h", "Makefile"]}

def word(n=None):
    n = n or rng.randint(1, 3)
    return "".join(rng.choice(syll) for _ in range(n))

# Directories: per top, a set of package dirs nested 0..4 deep.
dirs = {}
for top, share in tops.items():
    ds = [top]
    for _ in range(max(1, int(share * N_SMALL / 25))):
        parent = rng.choice(ds)
        depth = parent.count("/") - top.count("/")
        if depth >= 4:
            parent = top
        ds.append(f"{parent}/{word()}{rng.randint(0, 99) if rng.random() < .3 else ''}")
    dirs[top] = sorted(set(ds))
for ds in dirs.values():
    for d in ds:
        os.makedirs(os.path.join(root, d), exist_ok=True)

# File list: (path, size, mode)
topnames, weights = list(tops), list(tops.values())
files = []
used = {d for ds in dirs.values() for d in ds}   # never reuse a dir's name
def newname(top):
    while True:
        d = rng.choice(dirs[top])
        base = word() + ("-" + word(1) if rng.random() < .3 else "")
        name = f"{d}/{base}{rng.choice(exts[top])}"
        if name not in used:
            used.add(name)
            return name

total = 0
for _ in range(N_SMALL):
    top = rng.choices(topnames, weights)[0]
    size = min(SMALL_CAP, int(rng.lognormvariate(SMALL_MU, SMALL_SIGMA)))
    if rng.random() < 0.01:
        size = rng.randint(0, 3)               # empty and tiny files
    mode = 0o755 if top in ("bin", "sbin", "libexec") or rng.random() < .04 else 0o644
    files.append((newname(top), size, mode))
    total += size
big_tops = ["lib/x86_64-linux-gnu", "lib/firmware", "lib/python3/dist-packages", "share/locale", "bin"]
while total < TARGET:
    size = int(math.exp(rng.uniform(math.log(LARGE_MIN), math.log(LARGE_MAX))))
    size = min(size, TARGET - total) if TARGET - total >= LARGE_MIN else size
    top = rng.choice(big_tops)
    files.append((newname(top), size, 0o755 if top == "bin" else 0o644))
    total += size

MTIME = 1700000000
for path, size, mode in files:
    full = os.path.join(root, path)
    head = (path + "\n").encode()[:size]
    off = rng.randrange(POOL)
    with open(full, "wb") as f:
        f.write(head)
        rest = size - len(head)
        while rest > 0:
            chunk = min(rest, LARGE_MAX)
            f.write(pool2[off:off + chunk])
            rest -= chunk
    os.chmod(full, mode)
    os.utime(full, (MTIME, MTIME))

# Symlinks: ~4% of files get an alias (libfoo.so -> libfoo.so.1 style, bin
# links into lib, a few absolute ones), plus a directory link and a dangling one.
nlinks = 0
for path, size, mode in rng.sample(files, max(5, len(files) // 25)):
    d, b = os.path.split(path)
    link = os.path.join(d, b.split(".")[0] + "-link" + str(nlinks))
    if link in used:
        continue
    used.add(link)
    tgt = b if rng.random() < .8 else os.path.join(os.path.abspath(root), path)
    os.symlink(tgt, os.path.join(root, link))
    nlinks += 1
os.symlink("x86_64-linux-gnu", os.path.join(root, "lib/multiarch"))
os.symlink("../nonexistent/file", os.path.join(root, "bin/dangling"))
os.symlink("lib", os.path.join(root, "lib64"))

# Fixed mtimes everywhere (links and directories too, deepest first).
for dp, dns, fns in os.walk(root, topdown=False):
    for n in fns + dns:
        os.utime(os.path.join(dp, n), (MTIME, MTIME), follow_symlinks=False)
os.utime(root, (MTIME, MTIME))

big = sum(1 for _, s, _ in files if s >= MB)
print(f"gen-tree: {root}: {len(files)} files ({big} >= 1 MiB), "
      f"{total / MB:.1f} MiB, {nlinks + 3} symlinks, "
      f"{sum(len(v) for v in dirs.values())} dirs (scale {scale}, seed {seed})")
PY

printf 'scale=%s seed=%s version=1\n' "$scale" "$seed" >"$dir.stamp"
