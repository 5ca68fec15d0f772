"""The report's closing method note and reference list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allied.report.html import esc

if TYPE_CHECKING:
    from allied.report.build import Results

#: literature behind the engines, beyond what each forecast model cites itself
LITERATURE = (
    "Bueno de Mesquita, B. (1994). Political forecasting: an expected utility method. In Bueno de Mesquita & "
    "Stokman (eds.), European Community Decision Making. Yale University Press.",
    "Scholz, J. B., Calbert, G. J. & Smith, G. A. (2011). Unravelling Bueno De Mesquita's group decision model. "
    "Journal of Theoretical Politics 23(4).",
    "Abdollahian, M., Baranick, M., Efird, B. & Kugler, J. (2006). Senturion: a predictive political "
    "simulation model. National Defense University; KTAB (KAPSARC Toolkit for Behavioral Analysis), SMP.",
    "Stokman, F. N. & Van Oosten, R. (1994). The exchange of voting positions. In Bueno de Mesquita & Stokman "
    "(eds.), European Community Decision Making; Dijkstra, J. et al. (2018) on random exchange rates.",
    "Schelling, T. C. (1960). The Strategy of Conflict. Harvard University Press.",
    "Watson, J. (1999). Starting small and renegotiation. Journal of Economic Theory 85; (2002) Games and "
    "Economic Behavior 38.",
    "Kydd, A. (2000). Trust, reassurance, and cooperation. International Organization 54(2).",
    "Compte, O. & Jehiel, P. (2004). Gradualism in bargaining and contribution games. Review of Economic "
    "Studies 71.",
    "Fearon, J. D. (1995). Rationalist explanations for war. International Organization 49.",
    "Olson, M. & Zeckhauser, R. (1966). An economic theory of alliances. Review of Economics and Statistics 48(3).",
    "Sandler, T. & Hartley, K. (2001). Economics of alliances: the lessons for collective action. Journal of "
    "Economic Literature 39.",
    "Saltelli, A. et al. (2010). Variance based sensitivity analysis of model output. Computer Physics "
    "Communications 181; Herman, J. & Usher, W. (2017). SALib. Journal of Open Source Software 2(9).",
)


def method_html(res: Results) -> str:
    """A short plain-words account of what each part of the report computes."""
    models = ", ".join(res.runs) or "none"
    bargain = (" The bargaining model (bargain) is not a collective decision: on issues where two sides give "
               "walk-away points it splits the zone between them (Nash; Rubinstein and Ståhl's alternating offers "
               "with a deadline) and reports the chance of no deal; the other models read the same issue as a "
               "group's choice.") if "bargain" in res.runs else ""
    family = getattr(getattr(res.sc, "protocol", None), "family", "denuclearisation")
    protocols = ("<li><b>Protocols</b>: a repeated bargain between patron and client over the contribution; each "
                 "protocol is a schedule of agreements (multi-year, yearly, indexed), solved as a constrained "
                 "Nash split with walk-away at any year.</li>" if family == "cost-sharing" else
                 "<li><b>Protocols</b>: a game in which North Korea is privately sincere or stalling, solved as a "
                 "perfect Bayesian equilibrium stage by stage; each protocol is a schedule of denuclearisation and "
                 "relief tranches. Its weights are illustrative.</li>")
    return (
        "<p>Every figure in this report comes from the scenario file shown under <a href='#evidence'>Evidence</a>: "
        "a stance with a quote is taken from the source; every other number is an analyst's estimate with a "
        "range. Deterministic runs use each range's mode (or midpoint); the sensitivity section samples the "
        "ranges.</p><ul>"
        f"<li><b>Forecasts</b> ({esc(models)}): collective-decision models run on the same stances. The weighted "
        "mean and median are baselines; the expected-utility model simulates rounds of challenges; the spatial "
        "model (SMP) moves actors through bargains over all issues at once; the exchange model lets actors trade "
        "positions across issues they care about unequally." + bargain + "</li>" + protocols +
        "<li><b>Ledger</b>: the alliance's items as costs and benefits from each member's side, under separate "
        "lenses; rank tests of exploitation need at least eight allies and are refused for a pair.</li>"
        "<li><b>Sensitivity</b>: Monte Carlo over every range (forecasts and the protocol game's weights), and "
        "Sobol variance decomposition of each forecast.</li>"
        "</ul><p class='small'>Forecasts are conditional on the inputs; they are arguments to examine, not "
        "predictions to trust. Run times: " +
        ", ".join(f"{esc(k)} {v:.1f} s" for k, v in res.seconds.items()) + ".</p>")


def citations_html(res: Results) -> str:
    """Sources of the scenario, the models' own citations, and the literature of the engines."""
    items = []
    for s in res.sc.sources:
        bits = [s.author, f"“{s.title}”", s.publisher, str(s.date) if s.date else None, s.note]
        items.append("<li>" + esc(". ".join(b for b in bits if b)) + "</li>")
    cites = []
    try:
        from allied.models.registry import get

        for m in res.runs:
            c = getattr(get(m), "citation", "")
            if c:
                cites.append(f"<li><b>{esc(m)}</b>: {esc(c)}</li>")
    except Exception:  # citations are decoration: never fail the report over them
        pass
    lit = "".join(f"<li>{esc(x)}</li>" for x in LITERATURE)
    return (f"<h3>Sources of the scenario</h3><ol class='small'>{''.join(items)}</ol>"
            + (f"<h3>Models as cited by their implementations</h3><ul class='small'>{''.join(cites)}</ul>"
               if cites else "")
            + f"<h3>Literature</h3><ul class='small'>{lit}</ul>")
