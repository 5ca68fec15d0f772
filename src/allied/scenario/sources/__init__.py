"""Sources as files: readers (text, HTML, PDF), the one normalisation, and quote verification.

Public surface: :func:`verify` (every quote of a scenario against its source files), :func:`read_source`,
:func:`normalise` and :func:`find` (one quote in one text). Heavy libraries (pypdf, selectolax, rapidfuzz)
are imported only when a file of that kind is read or a quote does not match exactly.
"""

from allied.scenario.sources.match import Match, find
from allied.scenario.sources.normalise import Normalised, normalise
from allied.scenario.sources.readers import SourceText, read_source
from allied.scenario.sources.verify import QuoteCheck, SourceCheck, Verification, source_dirs, verify

__all__ = [
    "Match",
    "Normalised",
    "QuoteCheck",
    "SourceCheck",
    "SourceText",
    "Verification",
    "find",
    "normalise",
    "read_source",
    "source_dirs",
    "verify",
]
