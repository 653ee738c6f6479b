"""Request/command counters of a lab emulator (protocol-agnostic), for tests and benchmarks."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any


class Counters:
    """Thread-safe counts: requests, commands, errors, and commands by first word(s)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.requests = 0
            self.commands = 0
            self.errors = 0
            self.by_word: Counter[str] = Counter()
            self.by_prefix: Counter[str] = Counter()

    def request(self) -> None:
        with self._lock:
            self.requests += 1

    def command(self, text: str) -> None:
        words = text.split()
        with self._lock:
            self.commands += 1
            if words:
                self.by_word[words[0]] += 1
                self.by_prefix[" ".join(words[:2])] += 1

    def error(self) -> None:
        with self._lock:
            self.errors += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": self.requests,
                "commands": self.commands,
                "errors": self.errors,
                "by_word": dict(self.by_word),
                "by_prefix": dict(self.by_prefix),
            }
