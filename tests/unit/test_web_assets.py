"""The page's assets are its own: no URL of another host in the HTML, scripts or styles, and
every vendored file the pages name is in the vendor list `make assets` fills."""
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "services" / "timeline" / "web" / "static"
ASSETS_SH = Path(__file__).resolve().parents[2] / "deploy" / "local" / "assets.sh"


def test_pages_load_nothing_from_elsewhere():
    for path in list(STATIC.glob("*.html")) + list(STATIC.glob("*.js")) + list(STATIC.glob("*.css")):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"""(?:src|href)\s*=\s*["']([^"']+)|url\(([^)]+)\)|fetch\(\s*["']([^"']+)""", text):
            url = next(g for g in match.groups() if g)
            assert not re.match(r"(?i)(https?:)?//", url), f"{path.name} loads {url}"
        assert "googleapis" not in text and "unpkg" not in text and "jsdelivr" not in text, path.name


def test_every_vendored_file_the_pages_name_is_built():
    built = set(re.findall(r'"([\w.-]+):[\w./-]+"', ASSETS_SH.read_text())) | {"theatre-basemap.json"}
    named = set()
    for path in list(STATIC.glob("*.html")) + list(STATIC.glob("*.js")):
        named |= set(re.findall(r"/static/vendor/([\w.-]+)", path.read_text(encoding="utf-8")))
    assert named and named <= built, named - built
