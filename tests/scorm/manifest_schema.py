"""Validate an imsmanifest.xml against the official SCORM schemas, offline, with lxml.

The schemas are the unmodified copies in scorm/schemas (see its README). A manifest mixes several
namespaces, so a small wrapper schema imports each namespace's file; a resolver keeps everything
on disk and makes two fixes libxml2 needs, in memory only.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from lxml import etree

import scorm

SCHEMAS = Path(scorm.__file__).resolve().parent / "schemas"

ENTRY_POINTS = {
    "1.2": {
        "http://www.imsproject.org/xsd/imscp_rootv1p1p2": "scorm12/imscp_rootv1p1p2.xsd",
        "http://www.adlnet.org/xsd/adlcp_rootv1p2": "scorm12/adlcp_rootv1p2.xsd",
        "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1": "scorm12/imsmd_rootv1p2p1.xsd",
    },
    "2004": {
        "http://www.imsglobal.org/xsd/imscp_v1p1": "scorm2004-4th/imscp_v1p1.xsd",
        "http://www.adlnet.org/xsd/adlcp_v1p3": "scorm2004-4th/adlcp_v1p3.xsd",
        "http://www.adlnet.org/xsd/adlseq_v1p3": "scorm2004-4th/adlseq_v1p3.xsd",
        "http://www.adlnet.org/xsd/adlnav_v1p3": "scorm2004-4th/adlnav_v1p3.xsd",
        "http://www.imsglobal.org/xsd/imsss": "scorm2004-4th/imsss_v1p0.xsd",
        "http://ltsc.ieee.org/xsd/LOM": "scorm2004-4th/lom.xsd",
    },
}

_W3C_XML_SCHEMA = "http://www.w3.org/2001/xml.xsd"


class _LocalSchemas(etree.Resolver):
    """No network, and two libxml2 strictness problems of the 1.2 files fixed in memory:

    - ims_xml.xsd makes the XML namespace its default namespace, which libxml2 refuses;
    - imsmd_rootv1p2p1.xsd's grp.any allows ##any, which libxml2 finds non-deterministic (UPA)
      next to the group's own elements; ##other keeps its purpose, extension elements.
    """

    def resolve(self, system_url: str, public_id: str, context: Any) -> Any:
        if system_url == _W3C_XML_SCHEMA:
            return self.resolve_filename(str(SCHEMAS / "scorm2004-4th" / "xml.xsd"), context)
        path = Path(system_url.removeprefix("file://"))
        if path.name == "ims_xml.xsd":
            text = path.read_text(encoding="utf-8").replace(
                'xmlns="http://www.w3.org/XML/1998/namespace"', "", 1
            )
            return self.resolve_string(text, context, base_url=system_url)
        if path.name == "imsmd_rootv1p2p1.xsd":
            text = path.read_text(encoding="utf-8")
            group = text.index('<xsd:group name="grp.any">')
            fixed = text[group:].replace('namespace="##any"', 'namespace="##other"', 1)
            return self.resolve_string(text[:group] + fixed, context, base_url=system_url)
        return None


@functools.cache
def manifest_schema(standard: str) -> etree.XMLSchema:
    imports = "".join(
        f'<xs:import namespace="{namespace}" schemaLocation="{(SCHEMAS / path).as_uri()}"/>'
        for namespace, path in ENTRY_POINTS[standard].items()
    )
    wrapper = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>'
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalSchemas())
    return etree.XMLSchema(etree.fromstring(wrapper, parser))


def schema_errors(manifest: bytes, standard: str) -> list[str]:
    """Every way the manifest breaks its standard's schemas, as "line N: message"."""
    schema = manifest_schema(standard)
    document = etree.fromstring(manifest, etree.XMLParser(no_network=True))
    if schema.validate(document):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]
