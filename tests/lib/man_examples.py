#!/usr/bin/env python3
"""The example blocks of sections of man/tpmctl.1.scd, as a shell script
that runs them in order, in one shell (tests/bats/99-man-examples.bats).

    man_examples.py count SCD SECTION...
        The number of fenced blocks of the sections.
    man_examples.py show SCD SECTION...
        Each block as the page renders it, headed "--- block N (line L)".
    man_examples.py list SCD
        Every fenced block of the page: "ID<TAB>LINE<TAB>its first line".
    man_examples.py missing SCD [SECTION...]
        The blocks of the page that no SECTION selects, as list prints them,
        then those that more than one selects: "ID<TAB>selected N times".
    man_examples.py script SCD --outdir OUTDIR [--subst FROM=TO]...
                    [--hook REGEX=CODE]... [--after REGEX=CODE]...
                    [--any-hex] SECTION...
        Writes OUTDIR/run.sh (run it with bash -e -o pipefail), each block
        as it runs (paths replaced) in OUTDIR/N.sh and, for the outputs the
        page shows, OUTDIR/N.want or OUTDIR/N.M.want, and the number of
        blocks in OUTDIR/count. The blocks are numbered from 1 across the
        sections, in order.

A block's id is the heading it is under (the nearest one, of any level) and
its number among the blocks under that heading: "## pcr read #1",
"# EXAMPLES #12". A SECTION is a heading line, e.g. "# EXAMPLES" or
"## quote", which runs to the next heading of its level or above (outside
fenced blocks); or "HEADING::REGEX", for only the blocks after the first line
of prose of the section that matches REGEX (Python re.search); or a block's
id, for that block alone.
Blocks are unescaped as scdoc renders them: a backslash and the character
after it become that character ("\\\\" is one backslash, "\\_" is "_").

Three kinds of block:
- A transcript: its first line starts with "$ ". Each "$ " line is a command
  (with the lines after it while the command line ends with "\\", "|", "&&"
  or "||"), the lines up to the next "$ " are what it prints, standard
  output and error together, compared exactly, except that a message of
  tpmctl's ("tpmctl: ...") may be wrapped, its further lines indented by two
  spaces (they are joined with one space). The command runs without
  -e: what it prints, its errors included, is what the page shows. A
  "$ cat FILE" of a FILE that does not exist yet is an input the page
  shows: FILE is written with the lines shown before the command runs.
- An output block: one that follows a script block with nothing but blank
  lines between. The script block's output (standard output and error) must
  end with its lines.
- A script block: any other. It runs as it is, under the script's -e and
  pipefail, its output going to OUTDIR/N.out.

--subst replaces a string in every command (paths: /tmp/tpm to a test
directory, ...). --hook runs CODE after the block whose text matches REGEX
(Python re.search); --after runs CODE after each line of a script block that
matches REGEX (e.g. to wait for a server the line starts in the background);
a hook or an --after that matches nothing is an error. --any-hex: in
transcripts, a run of 40 or more lower-case hexadecimal digits matches any
such run of the same length (for values that differ from TPM to TPM).

The script records each block it finished in OUTDIR/ran, one number a line,
and the number of a block that failed in OUTDIR/failed.
"""
import argparse
import os
import re
import shlex
import sys

FENCE = "```"


def unescape(line):
    return re.sub(r"\\(.)", r"\1", line)


def section_lines(path, heading):
    """The lines of the section (after its heading), with their numbers."""
    level = len(heading) - len(heading.lstrip("#"))
    out, inside, fenced = [], False, False
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not inside:
                inside = line == heading
                continue
            if line.startswith(FENCE):
                fenced = not fenced
            elif not fenced:
                m = re.match(r"(#+) ", line)
                if m and len(m.group(1)) <= level:
                    break
            out.append((n, line))
    if not inside:
        sys.exit(f"man_examples: no section {heading!r} in {path}")
    return out


def block_ids(path):
    """{first line number: id} of every fenced block of the page."""
    ids, heading, counts, fenced = {}, None, {}, False
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith(FENCE):
                fenced = not fenced
                if fenced:
                    if heading is None:
                        sys.exit(f"man_examples: {path}: a block before any heading, at line {n}")
                    counts[heading] = counts.get(heading, 0) + 1
                    ids[n + 1] = f"{heading} #{counts[heading]}"
            elif not fenced and re.match(r"#+ ", line):
                heading = line
    return ids


def blocks(path, heading, after=None):
    """[(first line number, [lines], follows a block)] of the section."""
    result, cur, started = [], None, after is None
    gap_only = False  # only blank lines since the last block ended
    for n, line in section_lines(path, heading):
        if cur is not None:
            if not line.startswith(FENCE):
                cur[1].append(unescape(line))
                continue
            if started:
                result.append(tuple(cur))
            cur, gap_only = None, bool(result)
        elif line.startswith(FENCE):
            cur = [n + 1, [], gap_only]
        elif line.strip():
            gap_only = False
            if not started and re.search(after, line):
                started = True
    if cur is not None:
        sys.exit(f"man_examples: {path}: the block at line {cur[0]} is not closed")
    if not started:
        sys.exit(f"man_examples: no line matching {after!r} in {heading!r}")
    return result


def is_transcript(lines):
    return bool(lines) and lines[0].startswith("$ ")


def transcript_steps(lines):
    """[(command, [expected lines])] of a transcript block."""
    steps, i = [], 0
    while i < len(lines):
        if not lines[i].startswith("$ "):
            sys.exit(f"man_examples: transcript line without a command: {lines[i]!r}")
        cmd = [lines[i][2:]]
        i += 1
        while re.search(r"(\\|\||&&)\s*$", cmd[-1]) and i < len(lines):
            cmd.append(lines[i])
            i += 1
        want = []
        while i < len(lines) and not lines[i].startswith("$ "):
            # A message of tpmctl's, wrapped: its lines after the first are
            # indented by two spaces.
            if want and want[-1].startswith("tpmctl: ") and lines[i].startswith("  "):
                want[-1] += " " + lines[i].strip()
            else:
                want.append(lines[i])
            i += 1
        steps.append(("\n".join(cmd), want))
    return steps


def write(path, lines):
    with open(path, "w") as f:
        f.write("".join(line + "\n" for line in lines))


def all_blocks(scd, sections):
    """The blocks of every SECTION, in order: "HEADING", "HEADING::REGEX" or
    a block's id."""
    result = []
    for section in sections:
        one = re.fullmatch(r"(#+ .*) #([0-9]+)", section)
        if one:
            ids = block_ids(scd)
            found = [b for b in blocks(scd, one.group(1)) if ids[b[0]] == section]
            if not found:
                sys.exit(f"man_examples: no block {section!r} in {scd}")
            result += found
            continue
        heading, _, after = section.partition("::")
        result += blocks(scd, heading, after or None)
    return result


def script(args):
    bl = all_blocks(args.scd, args.section)
    os.makedirs(args.outdir, exist_ok=True)
    out = shlex.quote(args.outdir)
    substs = [s.split("=", 1) for s in args.subst]
    hooks = [h.split("=", 1) for h in args.hook]
    afters = [a.split("=", 1) for a in args.after]
    used, used_after = set(), set()

    table = dict(substs)
    pattern = re.compile("|".join(re.escape(a) for a in sorted(table, key=len, reverse=True)))

    def subst(text):  # in one pass: a replacement is not replaced again
        return pattern.sub(lambda m: table[m.group(0)], text) if table else text

    sh = [
        "# Generated by tests/lib/man_examples.py from " + args.scd,
        f"__out={out}",
        "__block=0",
        'trap \'[ $? -eq 0 ] || echo "$__block" >"$__out/failed"\' EXIT',
        # --any-hex: each run of 40 or more hex digits becomes its length.
        "__norm() { " + (r"""perl -pe 's/([0-9a-f]{40,})/"<" . length($1) . " hex digits>"/ge' "$1"; }"""
                         if args.any_hex else 'cat "$1"; }'),
        "__expect() { # __expect NAME: NAME.out is NAME.want",
        '\tdiff -u --label "$1.want" --label "$1.out" <(__norm "$__out/$1.want") <(__norm "$__out/$1.out") >"$__out/$1.diff" ||',
        '\t\t{ echo "block $1: the output differs from the page:" >&2; cat "$__out/$1.diff" >&2; exit 1; }',
        "}",
        "__expect_tail() { # __expect_tail N: N.out ends with N.want",
        '\ttail -n "$(wc -l <"$__out/$1.want")" "$__out/$1.out" | diff -u "$__out/$1.want" - >"$__out/$1.diff" ||',
        '\t\t{ echo "block $1: the output does not end as the page shows:" >&2; cat "$__out/$1.diff" >&2; exit 1; }',
        "}",
    ]
    number, kind = 0, None
    for line, lines, follows in bl:
        prev_script = kind == "script"
        number += 1
        write(os.path.join(args.outdir, f"{number}.sh"), [subst(x) for x in lines])
        sh.append(f"\n# block {number}, line {line}")
        sh.append(f"__block={number}")
        if is_transcript(lines):
            kind = "transcript"
            for m, (cmd, want) in enumerate(transcript_steps(lines), 1):
                name = f"{number}.{m}"
                write(os.path.join(args.outdir, name + ".want"), want)
                c = re.match(r"cat (\S+)$", cmd)
                if c:
                    f = shlex.quote(subst(c.group(1)))
                    sh.append(f'[ -e {f} ] || cp "$__out/{name}.want" {f}')
                sh += ["set +e", "{", subst(cmd), f'}} >"$__out/{name}.out" 2>&1', "set -e",
                       f"__expect {name}"]
        elif follows and prev_script:
            kind = "output"
            write(os.path.join(args.outdir, f"{number - 1}.want"), lines)
            sh.append(f"__expect_tail {number - 1}")
        else:
            kind = "script"
            body = []
            for x in lines:
                body.append(subst(x))
                for i, (regex, code) in enumerate(afters):
                    if re.search(regex, x):
                        body.append(code)
                        used_after.add(i)
            sh += ["{", "\n".join(body), f'}} >"$__out/{number}.out" 2>&1']
        for i, (regex, code) in enumerate(hooks):
            if re.search(regex, "\n".join(lines)):
                sh.append(code)
                used.add(i)
        sh.append(f'echo {number} >>"$__out/ran"')
    for i, (regex, _) in enumerate(hooks):
        if i not in used:
            sys.exit(f"man_examples: no block matches the hook {regex!r}")
    for i, (regex, _) in enumerate(afters):
        if i not in used_after:
            sys.exit(f"man_examples: no line of a script block matches --after {regex!r}")
    sh.append("__block=0")
    write(os.path.join(args.outdir, "run.sh"), sh)
    write(os.path.join(args.outdir, "count"), [str(number)])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("what", choices=["count", "show", "list", "missing", "script"])
    p.add_argument("scd")
    p.add_argument("--outdir")
    p.add_argument("--subst", action="append", default=[])
    p.add_argument("--hook", action="append", default=[])
    p.add_argument("--after", action="append", default=[])
    p.add_argument("--any-hex", action="store_true")
    p.add_argument("section", nargs="*")
    args = p.parse_intermixed_args()
    if args.what in ("list", "missing"):
        if args.what == "list" and args.section:
            p.error("list takes no SECTION")
        ids = block_ids(args.scd)
        times = {}
        for line, _, _ in all_blocks(args.scd, args.section):
            times[line] = times.get(line, 0) + 1
        with open(args.scd) as f:
            text = f.read().split("\n")
        for line, id_ in ids.items():
            if line not in times:
                first = text[line - 1] if line <= len(text) else ""
                print(f"{id_}\t{line}\t{'' if first.startswith(FENCE) else first}")
        for line, n in times.items():
            if n > 1:
                print(f"{ids[line]}\tselected {n} times")
        return
    if not args.section:
        p.error("no SECTION given")
    if args.what == "count":
        print(len(all_blocks(args.scd, args.section)))
    elif args.what == "show":
        for n, (line, lines, _) in enumerate(all_blocks(args.scd, args.section), 1):
            print(f"--- block {n} (line {line})")
            print("\n".join(lines))
    else:
        if not args.outdir:
            p.error("script needs --outdir")
        script(args)


if __name__ == "__main__":
    main()
