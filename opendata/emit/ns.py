"""Namespace IRIs used by the RDF emitter and the code-list generator (standard and our own)."""

from __future__ import annotations

from ..iris import BUDGET

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XKOS = "http://rdf-vocabulary.ddialliance.org/xkos#"
QB = "http://purl.org/linked-data/cube#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"
FOAF = "http://xmlns.com/foaf/0.1/"
OBEU = "http://data.openbudgets.eu/ontology/"
OBEU_DIMENSION = "http://data.openbudgets.eu/ontology/dsd/dimension/"
OBEU_MEASURE = "http://data.openbudgets.eu/ontology/dsd/measure/"
OBEU_BUDGETPHASE = "http://data.openbudgets.eu/resource/codelist/budget-phase/"
OBEU_OPERATION = "http://data.openbudgets.eu/resource/codelist/operation-character/"
SDMX_ATTRIBUTE = "http://purl.org/linked-data/sdmx/2009/attribute#"
INTERVAL = "http://reference.data.gov.uk/def/intervals/"
COFOG_AU = "http://linked.data.gov.au/def/cofog/"

TYPE = RDF + "type"
B = BUDGET

__all__ = [name for name in dir() if name.isupper()]
