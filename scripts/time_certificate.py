"""Time certificate PDFs in-process: the median of many, each for a different person.

    .venv/bin/python scripts/time_certificate.py [--count N]

Warms up first (fonts registered, anything shared drawn once), then renders `count`
certificates with different names, codes and signing times, as a school's would be. The CPU
time beside the wall-clock median is the steadier figure on a busy machine.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime, timedelta

from elearn.certificates.pdf import CertificateContent, render_certificate

NAMES = [
    "Amelia Hart",
    "Siân Ó Súilleabháin",
    "Łucja Wąsowska-Öztürk",
    "Nguyễn Thị Ánh",
    "Dr Maximilian Alexander Fitzwilliam-Montgomery-Smythe-Ponsonby",
    "Oliver Smith",
]
DECLARATION = (
    "I confirm that I have read Thorner’s Social Networking Policy and understand that any "
    "unlawful or unsafe behaviour could lead to appropriate legal or disciplinary action being "
    "taken."
)


def content(number: int) -> CertificateContent:
    name = f"{NAMES[number % len(NAMES)]} {number}"
    code = f"7KQ2-M9XD-{number % 10000:04d}-PW3H"
    return CertificateContent(
        school="Thorner’s Church of England VA Primary School",
        policy_title="Social Networking Policy",
        policy_version="November 2023",
        declaration_title="Declaration of receipt",
        declaration_text=DECLARATION,
        member_name=name,
        signature=name,
        signed_at=datetime(2025, 3, 14, 10, 42, tzinfo=UTC) + timedelta(minutes=number),
        score_percent=80 + number % 21,
        code=code,
        verify_url=f"https://training.example.sch.uk/verify/{code}",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    count = parser.parse_args().count
    for number in range(5):
        render_certificate(content(number))
    wall, cpu = [], []
    for number in range(count):
        started, started_cpu = time.perf_counter(), time.process_time()
        render_certificate(content(number))
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    wall.sort()
    print(
        f"{count} certificates: median {statistics.median(wall):.2f} ms "
        f"(CPU {statistics.median(cpu):.2f} ms), p95 {wall[int(count * 0.95) - 1]:.2f} ms, "
        f"fastest {wall[0]:.2f} ms"
    )


if __name__ == "__main__":
    main()
