"""XML outputs (Atom feeds, the sitemap) built with ElementTree, with text XML 1.0 can carry.

ElementTree escapes markup but writes any character it is given; XML 1.0 forbids most control
characters, U+FFFE/U+FFFF and lone surrogates, and one of them makes a whole feed ill-formed. So
every text and attribute goes through ``xml_safe``, which drops them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """The text without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", text)


def element(parent: ET.Element, tag: str, text: str = "", **attributes: str) -> ET.Element:
    """A child element with safe text and attributes."""
    child = ET.SubElement(parent, tag, {k: xml_safe(v) for k, v in attributes.items()})
    if text:
        child.text = xml_safe(text)
    return child


def xml_document(root: ET.Element) -> str:
    """The serialised document with an XML declaration, UTF-8."""
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
