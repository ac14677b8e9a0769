"""A QEMU guest under `make bench`: spawned with its console on pipes,
read by a thread into one buffer, and typed at like a person would.

    g = Guest(argv, prompt=rb"kite> ", log="build/bench/x.console")
    g.expect(rb"kite: ready in (\\d+) ms", 30)   # -> re.Match
    out = g.run("cat /proc/meminfo")            # -> str, the output only
    g.close()                                   # poweroff, else kill

Every byte the guest prints goes to the log file as well. The guest is
ended by its own PID only (the Popen it was spawned as).
"""

import os
import re
import subprocess
import threading
import time

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


class GuestError(Exception):
    pass


class Guest:
    def __init__(self, argv, prompt, log, env=None, cwd=None):
        self.prompt = re.compile(prompt)
        self.buf = bytearray()
        self.pos = 0  # where the next expect() starts looking
        self.cond = threading.Condition()
        self.eof = False
        self.stamps = []  # (buffer length, arrival time) per read
        self.log = open(log, "wb")
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, env=env,
                                     cwd=cwd)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        fd = self.proc.stdout.fileno()
        while True:
            try:
                b = os.read(fd, 65536)
            except OSError:
                b = b""
            with self.cond:
                if not b:
                    self.eof = True
                    self.cond.notify_all()
                    return
                self.buf += ANSI.sub(b"", b)
                self.stamps.append((len(self.buf), time.monotonic()))
                self.log.write(b)
                self.cond.notify_all()

    def expect(self, pattern, timeout=30):
        """Wait for pattern (bytes regex) after the last match; the match.
        Raises GuestError on timeout, end of output or a kernel panic."""
        rx = re.compile(pattern) if isinstance(pattern, bytes) else pattern
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                m = rx.search(self.buf, self.pos)
                if m:
                    self.pos = m.end()
                    return m
                tail = bytes(self.buf[self.pos:])
                if b"panic:" in tail or b"Kernel panic" in tail:
                    raise GuestError("guest panicked: %r" % tail[-300:])
                if self.eof:
                    raise GuestError("QEMU exited: %r" % tail[-300:])
                left = end - time.monotonic()
                if left <= 0:
                    raise GuestError("timeout waiting for %r; last output %r"
                                     % (rx.pattern, tail[-300:]))
                self.cond.wait(min(left, 0.5))

    def seen_at(self, m):
        """Seconds from spawn to the arrival of the end of match m."""
        with self.cond:
            for end, t in self.stamps:
                if end >= m.end():
                    return t - self.t0
        return time.monotonic() - self.t0

    def first_output(self):
        """Seconds from spawn to the guest's first console byte."""
        with self.cond:
            return self.stamps[0][1] - self.t0 if self.stamps else None

    def send(self, text):
        self.proc.stdin.write(text.encode() if isinstance(text, str) else text)
        self.proc.stdin.flush()

    def run(self, line, timeout=60):
        """Type a command line; its output (without the echoed line and the
        next prompt), CRs removed. Keep lines short: a line editor may
        wrap a long echo onto two lines."""
        with self.cond:
            typed = len(self.buf)
            self.pos = typed
        self.send(line + "\r")
        m = self.expect(self.prompt, timeout)
        with self.cond:
            nl = self.buf.find(b"\n", typed, m.start())
            start = m.start() if nl < 0 else nl + 1
            text = bytes(self.buf[start:m.start()])
        return text.replace(b"\r", b"").decode("utf-8", "replace").rstrip("\n")

    def close(self, poweroff="poweroff", wait=5):
        try:
            if self.proc.poll() is None:
                self.send(poweroff + "\r")
                self.proc.wait(wait)
        except (OSError, subprocess.TimeoutExpired):
            pass
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.reader.join(2)
        self.log.close()
