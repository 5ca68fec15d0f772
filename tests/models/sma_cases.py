"""A two-principal cost-sharing scenario written for the tests (US$ billion per year): the US split into
White House and Pentagon under one principal, South Korea into government and National Assembly. The
White House's public demand is 5.0; the walk-away points lie near 1.1–1.3."""

from __future__ import annotations

import textwrap

SMA = textwrap.dedent("""\
    allied: 1
    id: sma-test
    title: Cost-sharing talks (test)
    sources:
      - {id: note, title: analyst notes}
    actors:
      - {id: USA_WH, name: White House, capability: 100}
      - {id: USA_DOD, name: Pentagon, capability: 100}
      - {id: ROK_GOV, name: ROK government, capability: 40}
      - {id: ROK_NA, name: National Assembly, capability: 40}
    delegation:
      USA: {USA_WH: 0.7, USA_DOD: 0.3}
      ROK: {ROK_GOV: 0.6, ROK_NA: 0.4}
    issues:
      - id: contribution
        name: South Korea's yearly contribution
        scale: [0, 6]
        units: US$ billion per year
        status_quo: 0.92
    stances:
      - actor: USA_WH
        issue: contribution
        position: 5.0
        demand: 5.0
        reservation: {low: 1.05, high: 1.15}
        salience: 80
        evidence: {source: note, note: "public demand 5.0; walk-away estimated"}
      - actor: USA_DOD
        issue: contribution
        position: 2.0
        reservation: 1.1
        salience: 50
      - actor: ROK_GOV
        issue: contribution
        position: 1.0
        reservation: {low: 1.2, high: 1.4}
        salience: 70
      - actor: ROK_NA
        issue: contribution
        position: 0.95
        reservation: 1.2
        salience: 60
    """)
