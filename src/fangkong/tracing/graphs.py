"""Transmission chains and clusters drawn on the server as SVG, with Graphviz (Debian's `graphviz` package, `dot`,
through the `graphviz` Python library).

A node says only what a graph may say: the case number and its classification, coloured by classification
(a case outside the reader's scope: "辖区外病例", grey). Never a name, an ID number, a phone or an address:
the graph is built from `selectors.chains.Node`, which holds none. An edge is drawn by its confidence (solid
明确, dashed 很可能, dotted 可能). The SVG is returned without its XML prolog, ready to sit inside a page.
"""

from html import escape

import graphviz
from django.utils.translation import gettext as _

from fangkong.core.fonts import cjk_font

from .models import Classification, LinkConfidence
from .selectors.chains import Graph, Node

# colour-blind-safe (Okabe–Ito), light enough for black text
FILL = {Classification.CONFIRMED: "#F4A582", Classification.ASYMPTOMATIC: "#FDDB8C",
        Classification.SUSPECTED: "#A6D3F0", Classification.EXCLUDED: "#DDDDDD"}
OUTSIDE_FILL = "#F2F2F2"
STYLE = {LinkConfidence.CONFIRMED: "solid", LinkConfidence.PROBABLE: "dashed", LinkConfidence.POSSIBLE: "dotted"}


def _label(node: Node) -> str:
    if not node.in_scope:
        return graphviz.escape(_("辖区外病例"))
    return graphviz.escape(node.number) + "\\n" + graphviz.escape(node.classification_label)


def to_svg(graph: Graph, *, title: str, href=None) -> str:
    """The graph as an <svg> element. `href(case_id)`: the address a node links to (cases in scope only)."""
    font = cjk_font() or "sans-serif"
    # the graph's name is the SVG's <title>: the title itself, not a word of code
    dot = graphviz.Digraph(name=graphviz.escape(title),
                           graph_attr={"rankdir": "LR", "bgcolor": "transparent", "fontname": font,
                                       "label": graphviz.escape(title), "labelloc": "t", "fontsize": "12"},
                           node_attr={"shape": "box", "style": "rounded,filled", "fontname": font, "fontsize": "10"},
                           edge_attr={"fontname": font, "fontsize": "9", "arrowsize": "0.7"})
    for node in graph.nodes.values():
        attrs = {"fillcolor": FILL.get(node.classification, OUTSIDE_FILL) if node.in_scope else OUTSIDE_FILL}
        if node.id == graph.root_id:
            attrs["penwidth"] = "2.5"
        if href is not None and node.in_scope:
            attrs["URL"] = href(node.id)
            attrs["tooltip"] = graphviz.escape(f"{node.number} {node.classification_label}")
        dot.node(f"c{node.id}", label=_label(node), **attrs)
    for edge in graph.edges:
        dot.edge(f"c{edge.infector_id}", f"c{edge.infectee_id}", style=STYLE.get(edge.confidence, "solid"),
                 tooltip=graphviz.escape(str(LinkConfidence(edge.confidence).label)))
    svg = dot.pipe(format="svg", encoding="utf-8")
    svg = svg[svg.index("<svg"):]
    return svg.replace("<svg ", f'<svg class="graph" role="img" aria-label="{escape(title)}" ', 1)
