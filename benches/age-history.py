#!/usr/bin/env python3
"""Builds a git repository with a realistic history for the age benchmark and its accuracy test.

Rust source files (several `fn` items each) edited over thousands of commits: mostly small hunks,
skewed so that some files are hot; files added and deleted; moved across directories and renamed
(sometimes with an edit); short side branches merged back. A fixed seed and fixed dates make the
repository the same, commit ids included, on every run. `git fast-import` writes it in seconds.

    python3 benches/age-history.py OUT_DIR [--commits 5000] [--files 500] [--seed 7] [--workspace]
        [--merges 0.4] [--reformat-every 5000] [--fns-per-file 3-9]

With --workspace the repository is also a cargo workspace whose module trees reach every file:
manifests in the first commit, and each main-line commit that adds, moves or deletes files also
updates the `lib.rs`/`mod.rs` files that declare them (`cargo wear heatmap --all` follows those).

The shape of a large long-lived project (benches/age-scale.sh) takes three more options; without
them the repository is the same as before they existed, commit ids included:
- --merges SHARE: that share of all commits are merges of short side branches (mostly one commit,
  sometimes two or three; up to four open at once), the rest of the side commits and the main
  line fill the remainder, as in a project where most changes arrive as merged pull requests;
- --reformat-every N: every N commits, a main-line commit reformats 60% of the files, like a
  rustfmt upgrade: every line reindented (4 spaces to 2, or back) and `if` blocks of one statement
  folded onto one line (or unfolded);
- --fns-per-file A-B: a new file has A to B functions (3-9 without it), for longer files.

OUT_DIR is replaced, unless it already holds a repository built with the same parameters, which is
reused as it is.
"""
import argparse
import os
import random
import shutil
import subprocess
import sys

AUTHORS = [
    ("Ada Byron", "ada@example.com"),
    ("Grace Hopper", "grace@example.com"),
    ("Linus Pauling", "linus@example.com"),
    ("Margaret Hamilton", "margaret@example.com"),
    ("Dennis Ritchie", "dennis@example.com"),
    ("Barbara Liskov", "barbara@example.com"),
    ("Ken Thompson", "ken@example.com"),
    ("Frances Allen", "frances@example.com"),
    ("Niklaus Wirth", "niklaus@example.com"),
    ("Radia Perlman", "radia@example.com"),
    ("Tony Hoare", "tony@example.com"),
    ("Edsger Dijkstra", "edsger@example.com"),
]
WORDS = (
    "alpha beta gamma delta cargo wing rotor flap rudder gear brake valve pump fuel oil spar rib "
    "strut bolt rivet panel hinge latch seal probe sensor gauge meter pitot vane trim tab slat "
    "spoiler cowl duct fan blade hub shaft bearing gasket hose clamp wire relay fuse switch lamp"
).split()
DIRS = [
    "crates/engine/src", "crates/engine/src/fuel", "crates/engine/src/oil", "crates/airframe/src",
    "crates/airframe/src/wing", "crates/airframe/src/tail", "crates/avionics/src",
    "crates/avionics/src/nav", "crates/avionics/src/radio", "crates/cabin/src", "crates/cabin/src/seats",
    "crates/gear/src", "crates/gear/src/brakes", "crates/shop/src", "crates/shop/src/orders",
    "crates/shop/src/parts", "tools/src", "tools/src/report", "src", "src/util",
]
START = 1_420_070_400  # 2015-01-01T00:00:00Z


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.counter = 0

    def word(self):
        return self.rng.choice(WORDS)

    def stmt(self, depth=1):
        r = self.rng
        pad = "    " * depth
        self.counter += 1
        n = self.counter
        kind = r.random()
        if kind < 0.55:
            return [f"{pad}let {self.word()}_{n} = {self.word()}_{r.randint(1, 99)}({r.randint(0, 999)}) + {r.randint(1, 50)};"]
        if kind < 0.75:
            return [f"{pad}total += {self.word()}.{self.word()}({n}, {r.randint(0, 9)});"]
        if kind < 0.9:
            return [
                f"{pad}if {self.word()}_{n} > {r.randint(1, 100)} {{",
                f"{pad}    total -= {r.randint(1, 9)};",
                f"{pad}}}",
            ]
        return [f"{pad}// {self.word()} {self.word()} {self.word()} check {n}"]

    def one_line(self, depth):
        while True:
            lines = self.stmt(depth)
            if len(lines) == 1:
                return lines[0]

    def fn_item(self):
        r = self.rng
        self.counter += 1
        name = f"{self.word()}_{self.word()}_{self.counter}"
        lines = [f"/// {self.word().capitalize()} the {self.word()} of the {self.word()}."]
        lines.append(f"pub fn {name}(input: u32) -> u32 {{")
        lines.append("    let mut total = input;")
        for _ in range(r.randint(2, 9)):
            lines.extend(self.stmt())
        lines.append("    total")
        lines.append("}")
        return lines

    def new_file(self, fns=(3, 9)):
        return {"head": [f"//! The {self.word()} {self.word()} module.", "use std::fmt;"],
                "fns": [self.fn_item() for _ in range(self.rng.randint(*fns))]}


def render(f):
    out = list(f["head"])
    for item in f["fns"]:
        out.append("")
        out.extend(item)
    return "\n".join(out) + "\n"


def edit_file(gen, f):
    """One small change to a file, like most commits make."""
    r = gen.rng
    fns = f["fns"]
    kind = r.random()
    if kind < 0.06 and len(fns) > 2:
        del fns[r.randrange(len(fns))]
        return
    if kind < 0.16:
        fns.insert(r.randint(0, len(fns)), gen.fn_item())
        return
    item = fns[r.randrange(len(fns))]
    body = range(3, len(item) - 2)  # between `let mut total` and `total`
    if kind < 0.20:
        # Rewrite the body.
        new_body = []
        for _ in range(r.randint(2, 8)):
            new_body.extend(gen.stmt())
        item[3:len(item) - 2] = new_body
    elif kind < 0.60 and len(body) > 0:
        at = r.choice(body)
        for i in range(at, min(at + r.randint(1, 2), len(item) - 2)):
            if item[i].strip() in ("}",):
                continue
            if not item[i].rstrip().endswith("{"):
                item[i] = gen.one_line(2 if item[i].startswith("        ") else 1)
            elif ">=" in item[i]:
                item[i] = item[i].replace(">=", ">", 1)
            else:
                item[i] = item[i].replace(">", ">=", 1)
    elif kind < 0.85:
        at = r.randint(3, len(item) - 2)
        new = []
        for _ in range(r.randint(1, 3)):
            new.extend(gen.stmt())
        item[at:at] = new
    elif len(body) > 1:
        at = r.choice(body)
        if item[at].strip().startswith("let") or item[at].strip().startswith("total") or item[at].strip().startswith("//"):
            del item[at]
    else:
        item[1] = item[1].replace("input: u32", "input: u32, _scale: u32", 1)


def reformat_file(f):
    """A formatter's pass over a file: every line reindented (4 spaces to 2, or 2 to 4) and each
    `if` block of one statement folded onto one line (or a folded one unfolded)."""
    first = f["fns"][0][2] if f["fns"] and len(f["fns"][0]) > 2 else "    "
    narrow = not first.startswith("    ")  # two-space indentation now: widen it back

    def indent(line):
        n = len(line) - len(line.lstrip(" "))
        return " " * (n * 2 if narrow else n // 2) + line[n:]

    for item in f["fns"]:
        out = []
        i = 0
        while i < len(item):
            line = item[i]
            s = line.strip()
            if (i + 2 < len(item) - 2 and s.startswith("if ") and s.endswith("{")
                    and item[i + 1].strip().startswith("total -=") and item[i + 2].strip() == "}"):
                out.append(line[:len(line) - len(line.lstrip())] + s + " " + item[i + 1].strip() + " }")
                i += 3
                continue
            if s.startswith("if ") and s.endswith("; }") and " { " in s:
                pad = line[:len(line) - len(line.lstrip())]
                head, _, rest = s.partition(" { ")
                step = "  " if narrow else "    "
                out.extend([pad + head + " {", pad + step + rest[:-2].strip(), pad + "}"])
                i += 1
                continue
            out.append(line)
            i += 1
        item[:] = [indent(x) for x in out]


def pick_weighted(rng, files, heat, exclude, k):
    paths = [p for p in files if p not in exclude]
    if not paths:
        return []
    weights = [heat[p] for p in paths]
    chosen = set()
    for _ in range(k * 3):
        if len(chosen) >= min(k, len(paths)):
            break
        chosen.add(rng.choices(paths, weights)[0])
    return sorted(chosen)


class Stream:
    """Writes commits as a `git fast-import` stream."""

    def __init__(self, out):
        self.out = out
        self.mark = 0
        self.time = START
        self.count = 0

    def data(self, text):
        b = text.encode()
        self.out.write(f"data {len(b)}\n".encode())
        self.out.write(b)
        self.out.write(b"\n")

    def commit(self, rng, ref, message, changes, frm=None, merge=None):
        self.mark += 1
        self.count += 1
        self.time += rng.randint(300, 30_000)
        name, email = AUTHORS[min(int(rng.paretovariate(1.2)) - 1, len(AUTHORS) - 1)]
        w = self.out.write
        w(f"commit {ref}\nmark :{self.mark}\n".encode())
        w(f"author {name} <{email}> {self.time} +0000\n".encode())
        w(f"committer {name} <{email}> {self.time} +0000\n".encode())
        self.data(message)
        if frm is not None:
            w(f"from :{frm}\n".encode())
        if merge is not None:
            w(f"merge :{merge}\n".encode())
        for path, content in changes:
            if content is None:
                w(f"D {path}\n".encode())
            else:
                w(f"M 100644 inline {path}\n".encode())
                self.data(content)
        w(b"\n")
        return self.mark


def new_path(gen, taken, directory=None):
    while True:
        d = directory or gen.rng.choice(DIRS)
        p = f"{d}/{gen.word()}_{gen.word()}.rs"
        if p not in taken:
            return p


def crate_of(path):
    """The crate folder and the path below its `src/` (`crates/engine`, `fuel/pump_valve.rs`)."""
    head, _, rest = path.partition("/src/")
    if path.startswith("src/"):
        return "", path[len("src/"):]
    return head, rest


def manifests():
    """The workspace's Cargo.toml files: the root package `fleet` and one per crate folder."""
    crates = sorted({crate_of(d + "/x.rs")[0] for d in DIRS} - {""})
    members = ", ".join(f'"{c}"' for c in crates)
    out = [("Cargo.toml", f'[package]\nname = "fleet"\nversion = "0.1.0"\nedition = "2021"\n\n'
                          f"[workspace]\nmembers = [{members}]\n")]
    for c in crates:
        name = c.rsplit("/", 1)[-1]
        out.append((f"{c}/Cargo.toml", f'[package]\nname = "fleet-{name}"\nversion = "0.1.0"\nedition = "2021"\n'))
    return out


def module_files(paths):
    """The `lib.rs` and `mod.rs` files that declare every file of `paths`, by path."""
    children = {}  # (crate, folder below src) -> set of (name, is_dir)
    for d in DIRS:
        children.setdefault(crate_of(d + "/x.rs")[0:1] + ("",), set())
    for p in paths:
        crate, rest = crate_of(p)
        parts = rest.split("/")
        for i in range(len(parts)):
            folder = "/".join(parts[:i])
            name = parts[i][:-3] if i == len(parts) - 1 else parts[i]
            children.setdefault((crate, folder), set()).add((name, i < len(parts) - 1))
    out = {}
    for (crate, folder), names in children.items():
        base = (crate + "/src" if crate else "src") + ("/" + folder if folder else "")
        path = base + ("/mod.rs" if folder else "/lib.rs")
        decls = "".join(f"pub mod {n};\n" for n, _ in sorted(names))
        out[path] = f"//! Modules of {base}.\n{decls}"
    return out


def build(out_dir, commits, n_files, seed, workspace=False, merges=None, reformat_every=None, fns=(3, 9)):
    gen = Gen(seed)
    r = gen.rng
    subprocess.run(["git", "init", "-q", "-b", "main", out_dir], check=True)
    proc = subprocess.Popen(["git", "-C", out_dir, "fast-import", "--quiet"], stdin=subprocess.PIPE)
    s = Stream(proc.stdin)
    files = {}
    heat = {}

    def add_file(state, path):
        state[path] = gen.new_file(fns)
        heat[path] = r.paretovariate(0.9)

    # The first commit lays down a fifth of the files; the rest arrive over time.
    initial = []
    for _ in range(max(1, n_files // 5)):
        p = new_path(gen, files)
        add_file(files, p)
        initial.append((p, render(files[p])))
    wired = {}
    modules = {}  # the set of paths module_files last saw, and its answer

    def wire(changes):
        """Adds the manifests (first time) and the module files whose text changed."""
        if not workspace:
            return changes
        extra = [] if wired else manifests()
        key = frozenset(files)
        if modules.get("key") != key:
            modules["key"], modules["now"] = key, module_files(files.keys())
        now = modules["now"]
        for path in sorted(set(wired) | set(now)):
            if wired.get(path) != now.get(path):
                extra.append((path, now.get(path)))
        wired.clear()
        wired.update(now)
        return changes + extra

    s.commit(r, "refs/heads/main", "Initial import\n", wire(initial))
    main_tip = s.mark
    side = None  # (files, touched paths, tip mark, commits left)
    busy = set()  # paths the side branch owns until it merges
    sides = []  # with --merges: the open side branches, each owning its paths in `busy`
    slots = []  # with --merges: side branch ref numbers in use
    n_merges = 0
    # With --merges, a side branch's mean length that leaves a quarter of the room to the main line.
    extra_len = 0.0
    if merges:
        room = (1 - merges) / merges * 0.75
        extra_len = min(1.0, max(0.0, (room - 1) / 1.5))

    def side_commit(sd):
        changes = []
        if r.random() < 0.1 and len(files.keys() | busy) < n_files * 1.05:
            p = new_path(gen, files.keys() | busy)
            add_file(sd["files"], p)
            busy.add(p)
            sd["own"].add(p)
        else:
            p = r.choice(sorted(sd["files"]))
            edit_file(gen, sd["files"][p])
        sd["touched"].add(p)
        changes.append((p, render(sd["files"][p])))
        sd["tip"] = s.commit(r, f"refs/heads/side{sd['slot']}", f"side: {gen.word()} {gen.word()}\n", changes,
                             frm=sd["tip"])
        sd["left"] -= 1

    def merge_side(sd):
        changes = []
        for p in sorted(sd["touched"]):
            files[p] = sd["files"][p]
            heat.setdefault(p, r.paretovariate(0.9))
            changes.append((p, render(files[p])))
        tip = s.commit(r, "refs/heads/main", f"Merge branch 'side{sd['slot']}'\n", wire(changes), merge=sd["tip"])
        sides.remove(sd)
        slots.remove(sd["slot"])
        busy.difference_update(sd["own"])
        return tip

    while s.count < commits:
        if reformat_every and s.count % reformat_every == 0:
            free = sorted(p for p in files if p not in busy)
            changes = []
            for p in sorted(r.sample(free, int(len(free) * 0.6))):
                reformat_file(files[p])
                changes.append((p, render(files[p])))
            main_tip = s.commit(r, "refs/heads/main", "Reformat with the new rustfmt\n", wire(changes))
            continue
        if merges:
            want = n_merges < merges * (s.count + 1)
            ready = [sd for sd in sides if sd["left"] == 0]
            if want and ready and s.count + 1 < commits:
                main_tip = merge_side(ready[r.randrange(len(ready))])
                n_merges += 1
                continue
            going = [sd for sd in sides if sd["left"] > 0]
            if going and (want or r.random() < 0.5) and s.count + 2 < commits:
                side_commit(going[r.randrange(len(going))])
                continue
            if want and len(sides) < 4 and s.count + 3 < commits:
                own = set(pick_weighted(r, files, heat, busy, r.randint(1, 3)))
                if own:
                    slot = min(set(range(4)) - set(slots))
                    slots.append(slot)
                    left = 1 + (r.randint(1, 2) if r.random() < extra_len else 0)
                    sd = {"files": {p: {"head": list(files[p]["head"]), "fns": [list(x) for x in files[p]["fns"]]}
                                    for p in own},
                          "touched": set(), "own": set(own), "tip": main_tip, "left": left, "slot": slot}
                    sides.append(sd)
                    busy.update(own)
                    side_commit(sd)
                    continue
        elif side is None and r.random() < 0.03 and s.count + 6 < commits:
            own = set(pick_weighted(r, files, heat, set(), r.randint(1, 3)))
            side = {"files": {p: {"head": list(files[p]["head"]), "fns": [list(x) for x in files[p]["fns"]]} for p in own},
                    "touched": set(), "tip": main_tip, "left": r.randint(1, 4)}
            busy = set(own)
        if side is not None and r.random() < 0.5:
            if side["left"] > 0:
                changes = []
                if r.random() < 0.1:
                    p = new_path(gen, files.keys() | busy)
                    add_file(side["files"], p)
                    busy.add(p)
                    side["touched"].add(p)
                    changes.append((p, render(side["files"][p])))
                else:
                    p = r.choice(sorted(side["files"]))
                    edit_file(gen, side["files"][p])
                    side["touched"].add(p)
                    changes.append((p, render(side["files"][p])))
                side["tip"] = s.commit(r, "refs/heads/side", f"side: {gen.word()} {gen.word()}\n", changes, frm=side["tip"])
                side["left"] -= 1
                continue
            # Merge the side branch into main.
            changes = []
            for p in sorted(side["touched"]):
                files[p] = side["files"][p]
                heat.setdefault(p, r.paretovariate(0.9))
                changes.append((p, render(files[p])))
            main_tip = s.commit(r, "refs/heads/main", "Merge branch 'side'\n", wire(changes), merge=side["tip"])
            side = None
            busy = set()
            continue

        changes = []
        roll = r.random()
        if roll < 0.07 or len(files) < n_files * 0.6 and roll < 0.3:
            if len(files) < n_files * 1.05:
                p = new_path(gen, files.keys() | busy)
                add_file(files, p)
                changes.append((p, render(files[p])))
        elif roll < 0.085 and len(files) > n_files * 0.9:
            victims = pick_weighted(r, files, heat, busy, 1)
            for p in victims:
                del files[p]
                changes.append((p, None))
        elif roll < 0.115:
            # Move to another directory, or rename in place; sometimes with an edit.
            for p in pick_weighted(r, files, heat, busy, 1):
                same_dir = r.random() < 0.5
                q = new_path(gen, files.keys() | busy, p.rsplit("/", 1)[0] if same_dir else None)
                files[q] = files.pop(p)
                heat[q] = heat[p]
                if r.random() < 0.3:
                    edit_file(gen, files[q])
                changes.append((p, None))
                changes.append((q, render(files[q])))
        if not changes:
            for p in pick_weighted(r, files, heat, busy, r.choice([1, 1, 1, 2, 2, 3])):
                for _ in range(r.choice([1, 1, 1, 2])):
                    edit_file(gen, files[p])
                changes.append((p, render(files[p])))
        if not changes:
            continue
        main_tip = s.commit(r, "refs/heads/main", f"{gen.word().capitalize()} the {gen.word()}\n", wire(changes))

    for sd in list(sides):
        if sd["touched"]:
            merge_side(sd)
    if side is not None:
        changes = []
        for p in sorted(side["touched"]):
            files[p] = side["files"][p]
            changes.append((p, render(files[p])))
        s.commit(r, "refs/heads/main", "Merge branch 'side'\n", wire(changes), merge=side["tip"])
    proc.stdin.close()
    if proc.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "-C", out_dir, "update-ref", "-d", "refs/heads/side"], check=False)
    if merges:
        for slot in range(4):
            subprocess.run(["git", "-C", out_dir, "update-ref", "-d", f"refs/heads/side{slot}"], check=False)
    subprocess.run(["git", "-C", out_dir, "reset", "-q", "--hard", "main"], check=True)
    return s.count, len(files)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir")
    ap.add_argument("--commits", type=int, default=5000)
    ap.add_argument("--files", type=int, default=500)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workspace", action="store_true", help="also make it a cargo workspace")
    ap.add_argument("--merges", type=float, help="share of commits that merge a short side branch")
    ap.add_argument("--reformat-every", type=int, help="a commit reformatting many files every N commits")
    ap.add_argument("--fns-per-file", help="functions in a new file, A-B (3-9 without it)")
    args = ap.parse_args()
    fns = (3, 9)
    if args.fns_per_file:
        a, _, b = args.fns_per_file.partition("-")
        fns = (int(a), int(b or a))
    if args.merges is not None and not 0 < args.merges < 0.5:
        sys.exit("--merges takes a share between 0 and 0.5")
    params = f"commits={args.commits} files={args.files} seed={args.seed} v=1"
    params += " workspace=1" if args.workspace else ""
    # The shape options only appear when given, so that older repositories are still reused.
    if args.merges:
        params += f" merges={args.merges}"
    if args.reformat_every:
        params += f" reformat-every={args.reformat_every}"
    if args.fns_per_file:
        params += f" fns-per-file={fns[0]}-{fns[1]}"
    params += "\n"
    marker = os.path.join(args.out_dir, ".git", "age-history-params")
    if os.path.exists(marker) and open(marker).read() == params:
        print(f"reusing {args.out_dir} ({params.strip()})", file=sys.stderr)
        return
    if os.path.exists(args.out_dir):
        shutil.rmtree(args.out_dir)
    os.makedirs(args.out_dir)
    n_commits, n_files = build(args.out_dir, args.commits, args.files, args.seed, args.workspace,
                               args.merges or None, args.reformat_every or None, fns)
    with open(marker, "w") as f:
        f.write(params)
    print(f"built {args.out_dir}: {n_commits} commits, {n_files} files", file=sys.stderr)


if __name__ == "__main__":
    main()
