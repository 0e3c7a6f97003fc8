#!/usr/bin/env python3
"""Splits man/tpmctl.1.scd, the one source of tpmctl's manual, into pages.

  split.py --list SCD               the pages it makes, one per line
  split.py --page NAME SCD HELP OUT  writes page NAME (scdoc source) to OUT

HELP is what `tpmctl --help` prints: a command page's NAME line is the
command's summary there, the same words as its help.

Pages: tpmctl.1 (the overview: every section but the commands' and
POLICIES, with a list of the command pages), tpmctl-COMMAND.1 per command or
group ("## key create" and "## key show" make tpmctl-key.1), and
tpmctl-policy.5 (the POLICIES section). A command page has the command's
text, then the overview's sections its text refers to by name (PATHS,
PASSWORDS, ...) are left in tpmctl(1) and named in SEE ALSO.
"""
import re
import sys


def parse(text):
    """(preamble lines, [(level, title, lines)]) outside code blocks."""
    lines = text.split("\n")
    pre, sections, fence = [], [], False
    for line in lines:
        if line.startswith("```"):
            fence = not fence
        m = None if fence else re.match(r"^(#{1,2}) (.+)$", line)
        if m:
            sections.append([len(m.group(1)), m.group(2), []])
        elif sections:
            sections[-1][2].append(line)
        else:
            pre.append(line)
    return pre, sections


def group_of(title):
    word = title.split()[0]
    return word if re.match(r"^[a-z][a-z-]*$", word) else None


def command_groups(sections):
    """{group: [(title, lines)]} in the manual's order, and the leftover
    level-2 sections under COMMANDS that name no command (e.g. "NV indices
    on the bus") attached to the group before them."""
    groups, order, in_commands, last = {}, [], False, None
    for level, title, body in sections:
        if level == 1:
            in_commands = title == "COMMANDS"
            continue
        if not in_commands:
            continue
        g = group_of(title) or last
        if g not in groups:
            groups[g] = []
            order.append(g)
        groups[g].append((title, body))
        last = g
    return order, groups


def strip_blank(lines):
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def is_synopsis(line):
    return line.startswith("*tpmctl*")


def summary_of(body):
    """The first clause after the synopsis lines, for NAME."""
    text = " ".join(l for l in body if l.strip() and not is_synopsis(l))
    text = re.sub(r"[*_]", "", text)
    clause = re.split(r"(?<=\.)\s|[,;:(]", text, maxsplit=1)[0].strip().rstrip(".")
    return clause[:1].lower() + clause[1:] if clause else "a tpmctl command"


def help_summaries(help_text):
    """{command: summary} from the "Commands:" list of `tpmctl --help`."""
    found, inside = {}, False
    for line in help_text.split("\n"):
        if line.startswith("Commands:"):
            inside = True
        elif inside and not line.strip():
            break
        elif inside:
            m = re.match(r"^  ([a-z][a-z-]*)\s+(.*)$", line)
            if m:
                found[m.group(1)] = m.group(2)
    return found


def command_page(group, parts, overview_refs, summaries):
    name = summaries.get(group)
    name = re.sub(r"([*_])", r"\\\1", name) if name else summary_of(parts[0][1])
    out = ["tpmctl-%s(1)" % group, "", "# NAME", "", "tpmctl-%s - %s" % (group, name), ""]
    out += ["# SYNOPSIS", ""]
    for _, body in parts:
        out += [l for l in body if is_synopsis(l) for l in (l, "")]
    out += ["# DESCRIPTION", ""]
    for title, body in parts:
        if len(parts) > 1 or title != group:
            out += ["## %s" % title, ""]
        out += strip_blank([l for l in body if not is_synopsis(l)]) + [""]
    text = "\n".join(out)
    refs = [r for r in overview_refs if "*%s*" % r in text]
    out += ["# SEE ALSO", ""]
    see = "*tpmctl*(1)"
    if refs:
        see += " (%s)" % ", ".join(refs)
    out += [see + ", *tpmctl-policy*(5), *tpmctl-profiles*(7)", ""]
    return "\n".join(out)


def overview_page(pre, sections, order):
    out = list(pre)
    skip = False
    for level, title, body in sections:
        if level == 1:
            skip = title == "POLICIES"
            if title == "COMMANDS":
                out += ["# COMMANDS", ""] + strip_blank(body) + [""]
                out += ["Each command or group has its page:", ""]
                out += ["- *tpmctl-%s*(1)" % g for g in order]
                out += ["", "The policy language is in *tpmctl-policy*(5).", ""]
                skip = True
                continue
            if skip:
                continue
            out += ["# %s" % title] + body
        elif not skip:
            out += ["## %s" % title] + body
    return "\n".join(out)


def policy_page(sections):
    out = ["tpmctl-policy(5)", "", "# NAME", "",
           "tpmctl-policy - the JSON policy language tpmctl accepts, and the policies it ships",
           ""]
    keep = False
    for level, title, body in sections:
        if level == 1:
            keep = title == "POLICIES"
            if keep:
                out += ["# DESCRIPTION"] + body
            continue
        if keep:
            out += ["## %s" % title] + body
    out += ["# SEE ALSO", "", "*tpmctl*(1), *tpmctl-policy*(1), *tpmctl-seal*(1)", ""]
    return "\n".join(out)


def pages(text, help_text=""):
    summaries = help_summaries(help_text)
    pre, sections = parse(text)
    order, groups = command_groups(sections)
    overview_refs = [t for l, t, _ in sections if l == 1 and t not in
                     ("NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "SEE ALSO")]
    result = {"tpmctl.1": overview_page(pre, sections, order),
              "tpmctl-policy.5": policy_page(sections)}
    for g in order:
        result["tpmctl-%s.1" % g] = command_page(g, groups[g], overview_refs, summaries)
    return result


def main(argv):
    if len(argv) == 3 and argv[1] == "--list":
        print("\n".join(pages(open(argv[2]).read())))
        return 0
    if len(argv) == 6 and argv[1] == "--page":
        made = pages(open(argv[3]).read(), open(argv[4]).read())
        if argv[2] not in made:
            sys.stderr.write("split.py: no page %s\n" % argv[2])
            return 1
        with open(argv[5], "w") as f:
            f.write(made[argv[2]])
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
