#!/usr/bin/env python3
"""Runs a command with a pseudo-terminal as its controlling terminal, and
types passwords at its prompts, as a person at the terminal would.

    tty_answer.py ANSWERS LOG COMMAND [ARG...]

Standard input, output and error, and every other inherited file descriptor
(e.g. the 3 of `--auth-fd 3 3<FILE`), are the command's own, untouched: only
/dev/tty is the pseudo-terminal, which is where tpmctl asks for passwords. So
pipes of binary data keep working, and a command that never asks is not
affected.

ANSWERS holds lines "REGEX<TAB>ANSWER": a prompt ("Password for PATH: ",
"New password for PATH: ") is answered with the ANSWER of the first REGEX
that matches it (Python re.search); "Again, to confirm: " with the answer
just given. A prompt that no line matches is left unanswered: the command gets
SIGHUP, as when a terminal is hung up, so it fails instead of waiting. Every prompt, and what
it was answered with, is appended to LOG as "PROMPT<TAB>ANSWER" ("-" for
none). Exits with the command's status (128+N when signal N ended it).
"""
import fcntl
import os
import re
import select
import signal
import sys
import termios


def main():
    answers_file, log_file, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
    rules = []
    with open(answers_file) as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                regex, answer = line.split("\t", 1)
                rules.append((re.compile(regex), answer))

    master, slave = os.openpty()
    pid = os.fork()
    if pid == 0:
        os.close(master)
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        os.close(slave)
        try:
            os.execvp(argv[0], argv)
        except OSError as e:
            print(f"tty_answer: {argv[0]}: {e.strerror}", file=sys.stderr)
            os._exit(127)
    # The slave stays open here too, so that the terminal is not hung up
    # while the command has it closed (before it opens /dev/tty).
    log = open(log_file, "a")
    pending, last, status = "", None, None
    while status is None:
        if not select.select([master], [], [], 0.05)[0]:
            done, st = os.waitpid(pid, os.WNOHANG)
            if done:
                status = st
            continue
        pending += os.read(master, 4096).decode(errors="replace")
        # A prompt is complete when the command waits after ": ".
        if not pending.endswith(": "):
            continue
        prompt = pending.strip().splitlines()[-1].strip()
        pending = ""
        if prompt.startswith("Again, to confirm:"):
            answer = last
        else:
            answer = next((a for r, a in rules if r.search(prompt)), None)
        log.write(f"{prompt}\t{'-' if answer is None else answer}\n")
        log.flush()
        if answer is None:
            # Hang up: the command's read of the terminal ends, and it fails.
            os.kill(pid, signal.SIGHUP)
            continue
        last = answer
        os.write(master, answer.encode() + b"\n")
    os.close(master)
    os.close(slave)
    if os.WIFSIGNALED(status):
        sys.exit(128 + os.WTERMSIG(status))
    sys.exit(os.WEXITSTATUS(status))


if __name__ == "__main__":
    main()
