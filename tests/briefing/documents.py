"""Reading a generated .docx back: its paragraphs, its text."""

import io

from docx import Document


def docx_paragraphs(content: bytes) -> list[str]:
    doc = Document(io.BytesIO(content))
    return [p.text for p in doc.paragraphs if p.text.strip()]


def docx_text(content: bytes) -> str:
    return "\n".join(docx_paragraphs(content))
