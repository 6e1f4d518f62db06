"""The one door to declarations and certificates for other areas."""

from elearn.certificates.service import (
    SignedFact,
    SignedRecord,
    declaration_counts,
    last_signed_version_id,
    latest_certificate,
    latest_signed,
    sample_certificate,
    signed_facts,
)

__all__ = [
    "SignedFact",
    "SignedRecord",
    "declaration_counts",
    "last_signed_version_id",
    "latest_certificate",
    "latest_signed",
    "sample_certificate",
    "signed_facts",
]
