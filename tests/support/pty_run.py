#!/usr/bin/env python3
"""Runs a command in a pseudo-terminal, as a user's terminal would, for tests driven from node.

usage: pty_run.py ROWS COLUMNS COMMAND [ARG...]

The command's terminal output (escape codes and all) is copied to stdout as it comes; what
arrives on stdin is typed into the terminal. stderr gets one JSON line when the command starts,
{"pid": N}, and one when it has ended, {"exit": CODE, "termios_restored": BOOL}: whether the
terminal's mode (echo, line editing, signals) is what it was before the command ran.
CODE is 128 + N for a command killed by signal N, as a shell reports it.
"""
import fcntl
import json
import os
import select
import struct
import sys
import termios


def report(**fields):
    sys.stderr.write(json.dumps(fields) + "\n")
    sys.stderr.flush()


def start(rows, columns, command):
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    pid = os.fork()
    if pid == 0:
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        for fd in (0, 1, 2):
            os.dup2(slave, fd)
        os.close(master)
        os.close(slave)
        os.execvp(command[0], command)
    return pid, master, slave


def copy_output(master):
    """Copies what the terminal has to stdout; False once it has nothing more to give."""
    try:
        data = os.read(master, 65536)
    except OSError:
        return False
    if not data:
        return False
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    return True


def main():
    rows, columns, command = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    pid, master, slave = start(rows, columns, command)
    before = termios.tcgetattr(slave)
    report(pid=pid)
    stdin_open = True
    status = None
    while status is None:
        watched = [master] + ([0] if stdin_open else [])
        readable, _, _ = select.select(watched, [], [], 0.05)
        if master in readable:
            copy_output(master)
        if 0 in readable:
            keys = os.read(0, 1024)
            if keys:
                os.write(master, keys)
            else:
                stdin_open = False
        done, code = os.waitpid(pid, os.WNOHANG)
        if done:
            status = code
    # The slave stays open here, so the master never reports the end: take what is left.
    while select.select([master], [], [], 0.1)[0] and copy_output(master):
        pass
    after = termios.tcgetattr(slave)
    exit_code = os.waitstatus_to_exitcode(status)
    report(exit=exit_code if exit_code >= 0 else 128 - exit_code, termios_restored=before == after)


if __name__ == "__main__":
    main()
