"""Generators of hostile input for the hardening tests: sidecars that are wrong in every way a person or an
attacker can make them wrong, and PDFs that are truncated, bit-flipped or carry a compression bomb.

Every generated sidecar is wrong by construction (the category says how); the tests check that the pipeline
says so, not which words it uses."""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterator
from pathlib import Path

BOMB_MB = 1024  # what the inflated stream expands to


def _alias_bomb(levels: int) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def _deep(n: int) -> str:
    return "fiscal_year: " + "[" * n + "]" * n + "\n"


def hostile_sidecars(n: int, seed: int = 20) -> Iterator[tuple[str, bytes]]:
    """n (category, bytes) sidecars, each of which must be refused."""
    rng = random.Random(seed)
    makers = [
        ("python tag", lambda: b'!!python/object/apply:os.system ["touch /tmp/budgetwh-pwned"]\n'),
        ("python tag in value", lambda: b"fiscal_year: !!python/object/new:int [2024]\n"),
        ("unclosed flow", lambda: f"fiscal_year: [{rng.randint(2000, 2100)}\n".encode()),
        ("unclosed quote", lambda: b'region_name: "\xe5\x8c\x97\xe4\xba\xac\n'),
        ("top-level list", lambda: f"- fiscal_year: {rng.randint(2000, 2100)}\n".encode()),
        ("top-level scalar", lambda: str(rng.randint(0, 10**9)).encode()),
        ("empty", lambda: b"" if rng.random() < 0.5 else b"# nothing\n"),
        ("year not a number", lambda: f"fiscal_year: \"{rng.choice(['abc', 'MMXXIV', '20x4', ''])}\"\n".encode()),
        ("year out of range", lambda: f"fiscal_year: {rng.choice([1999, 1066, 2101, 99999, -2024, 0])}\n".encode()),
        ("year wrong type", lambda: rng.choice([b"fiscal_year: true\n", b"fiscal_year: 2024.5\n",
                                                b"fiscal_year: [2024]\n", b"fiscal_year: {y: 2024}\n",
                                                b"fiscal_year: null\n"])),
        ("region code invalid", lambda: f"region_code: {rng.choice(['-1', '999999', '11010', '1101010', 'abcdef', '110101.0', '000000'])}\n".encode()),
        ("region name too long", lambda: b"region_name: " + "北".encode() * rng.randint(101, 5000) + b"\n"),
        ("region name control chars", lambda: b'region_name: "\\u0000\\u0007\\u001b[31m"\n'),
        ("alias bomb", lambda: _alias_bomb(rng.randint(3, 9)).encode()),
        ("oversized", lambda: b"fiscal_year: 2024\n#" + b"x" * ((64 << 10) + rng.randint(1, 4096)) + b"\n"),
        ("unknown key", lambda: f"{rng.choice(['evil', 'payload', '__class__', 'fiscal_yaer'])}: 1\n".encode()),
        ("not UTF-8", lambda: b"region_name: \xff\xfe\xfa\n"),
        ("doc kind invalid", lambda: f"doc_kind: {rng.choice(['evil', 'DEPARTMENT', '1', '[unit]'])}\n".encode()),
        ("deep nesting", lambda: _deep(rng.randint(5000, 20000)).encode()),
        ("code injection", lambda: b"subject_code: \"1'; drop table events; --\"\n"),
        ("binary garbage", lambda: bytes(rng.randrange(256) for _ in range(rng.randint(1, 2000)))),
        ("duplicate tag trick", lambda: b"fiscal_year: !!binary MjAyNA==\n"),
    ]
    for i in range(n):
        category, make = makers[i % len(makers)]
        data = make()
        if category == "binary garbage" and data.strip().isascii():
            data = b"\xff" + data  # keep it non-text
        yield category, data


def bomb_stream(mb: int = BOMB_MB) -> bytes:
    """A Flate stream of mb MiB of zeros (about 1 MB compressed)."""
    c = zlib.compressobj(9)
    block = b"\0" * (1 << 20)
    return b"".join(c.compress(block) for _ in range(mb)) + c.flush()


def mutated_pdfs(bases: list[Path], n: int, seed: int = 50) -> Iterator[tuple[str, str, bytes]]:
    """n (kind, file name, bytes) mutations of the base PDFs: truncated, bit-flipped, stream-inflated.
    Each is made unique (a different document id) by its mutation or a trailing comment."""
    rng = random.Random(seed)
    bomb = bomb_stream()
    kinds = ["truncated", "bitflip", "inflated"]
    for i in range(n):
        kind = kinds[i % 3]
        base = bases[i % len(bases)]
        data = bytearray(base.read_bytes())
        if kind == "truncated":
            data = data[: rng.randint(16, len(data) - 64)]
        elif kind == "bitflip":
            for _ in range(rng.randint(1, 200)):
                pos = rng.randrange(len(data))
                data[pos] ^= 1 << rng.randrange(8)
        else:
            body = bytes(data).rsplit(b"%%EOF", 1)[0]
            data = bytearray(body + b"\n9999 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb)
                             + bomb + b"\nendstream\nendobj\n%%EOF\n")
        yield kind, f"fuzz-{i:03d}-{kind}.pdf", bytes(data) + f"\n%fuzz {i}\n".encode()
