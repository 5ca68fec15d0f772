"""Evidence candidates drafted from source texts (``allied draft``; docs/sources.md).

Public surface: :func:`draft` (a skeleton and its sources -> the draft scenario and its ``drafts:``
entries), :func:`accept` (promote one entry to a stance's evidence, never inventing a number),
:func:`extract` (quantities in a sentence) and :func:`country_names` (the built-in gazetteer). The
private modules: ``text`` (pysbd sentences, stemmed tokens), ``mentions`` (who a sentence names and its
subject), ``rank`` (BM25 retrieval with bm25s and the score), ``quantities``, ``gazetteer``. Heavy
libraries (pysbd, bm25s, PyStemmer, pycountry) load only when drafting runs.
"""

from allied.drafting.draft import accept, draft
from allied.drafting.gazetteer import country_names
from allied.drafting.quantities import extract

__all__ = ["accept", "country_names", "draft", "extract"]
