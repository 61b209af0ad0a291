"""Fails when a word shown to people is not marked for translation, or when a
catalogue is incomplete: `python scripts/check_translations.py` (in `make check`).

1. Templates (``templates/``, HTML and email text): text between tags, and
   the attributes a person reads or hears (``aria-label``, ``title``, ``alt``,
   ``placeholder``, ``hx-confirm``, a button's ``value``), must sit inside
   ``{% translate %}`` or ``{% blocktranslate %}``; a string literal in a tag
   or variable that reads as words (capitalised, or a sentence) must be
   ``_("…")``.
2. Python (the apps, not tests, migrations or demo data): a string literal that
   reads as words (capitalised, or a sentence), a field's label, help text or
   verbose name, and a choice's label must be inside a gettext call, unless it
   is a docstring, a log line, an exception meant for developers, SQL, or its
   line says ``# i18n: not shown`` with why.
3. Catalogues: ``makemessages`` for every language in ``LANGUAGES`` but the
   source one, then ``msgfmt --check --statistics``: an untranslated or fuzzy
   entry fails; then ``compilemessages``.

Run with ``--marks-only [paths…]`` to do 1 and 2 alone (over ``paths`` when
given), e.g. while marking one app.
"""

import ast
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NOT_SCANNED = ("migrations", "management", "tests", "bounds", "settings.py", "test_settings.py")
EXEMPT = "i18n: not shown"
HOLE = "\x00"  # where a template tag or variable stood

# --- Templates ---------------------------------------------------------------

READ_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder", "hx-confirm", "aria-description"}
BUTTON_TYPES = {"submit", "button", "reset"}
LETTER = re.compile(r"[^\W\d_]")
# A literal in a tag that reads as words: "Save", "No goals yet.", "Draft – not sent".
WORDS = re.compile(r"^[A-Z][a-z]|[a-z]{2,}[ ,].*[a-z].*[.?!:…]$")
LITERAL = re.compile(r"""(?<!_\()(?P<q>["'])(?P<s>(?:(?!(?P=q)).)*)(?P=q)""")
TAGS_OF_NAMES = {
    "load", "extends", "include", "url", "static", "block", "endblock", "partialdef", "partial",
    "translate", "trans", "blocktranslate", "blocktrans", "now", "templatetag", "cycle", "csrf_token",
    "widthratio", "regroup", "ifchanged", "language", "get_language_info", "get_current_language",
}  # fmt: skip


def _literal_problems(contents: str, line: int, is_block: bool) -> list[tuple[int, str]]:
    name = contents.split()[0] if contents.split() else ""
    if is_block and name in {"include", "url", "partial"} and " with " in contents:
        contents = contents.split(" with ", 1)[1]
    elif is_block and name in TAGS_OF_NAMES:
        return []
    problems = []
    for match in LITERAL.finditer(contents):
        text = match.group("s")
        before = contents[: match.start()]
        if before.endswith(("date:", "time:", "stringformat:", "cut:", "join:")) or "/" in text:
            continue
        if WORDS.search(text):
            problems.append((line, f"unmarked literal {match.group(0)}"))
    return problems


class _TextFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skipping = 0
        self.problems: list[tuple[int, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skipping += 1
        values = dict(attrs)
        for name, value in attrs:
            readable = name in READ_ATTRIBUTES or (
                name == "value" and tag == "input" and values.get("type") in BUTTON_TYPES
            )
            if readable and value and LETTER.search(value.replace(HOLE, "")):
                self.problems.append((self.getpos()[0], f'unmarked {name}="{value.replace(HOLE, "…")}"'))

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if self.skipping:
            return
        text = data.replace(HOLE, " ").strip()
        # Markup the template builds from pieces (<{% if %}a{% else %}button…) is no text.
        if LETTER.search(text) and not text.startswith("<") and '="' not in text:
            line = self.getpos()[0] + len(data) - len(data.lstrip("\n" + HOLE + " \t"))
            self.problems.append((line, f"unmarked text {' '.join(text.split())[:60]!r}"))


def template_problems(path: Path) -> list[tuple[int, str]]:
    """(line, what) for each unmarked word of the template at ``path``."""
    from django.template.base import Lexer, TokenType

    source = path.read_text(encoding="utf-8")
    problems: list[tuple[int, str]] = []
    pieces: list[str] = []
    hidden = None  # the tag that closes a stretch whose text is not shown or is already marked
    for token in Lexer(source).tokenize():
        raw = token.contents
        kind = token.token_type
        name = raw.split()[0] if kind == TokenType.BLOCK and raw.split() else ""
        if hidden:
            if name == hidden:
                hidden = None
            pieces.append(HOLE + ("\n" * raw.count("\n") if kind == TokenType.TEXT else ""))
            continue
        if kind == TokenType.TEXT:
            pieces.append(raw)
            continue
        if kind == TokenType.COMMENT:
            continue
        if name == "block" and raw.split()[-1].endswith(("class", "classes")):
            hidden = "endblock"  # a class name for the page's layout, not words
        elif name in ("blocktranslate", "blocktrans", "comment", "verbatim"):
            hidden = "end" + name
        else:
            problems += _literal_problems(raw, token.lineno, kind == TokenType.BLOCK)
        pieces.append(HOLE)
    finder = _TextFinder()
    finder.feed("".join(pieces))
    finder.close()
    return problems + finder.problems


# --- Python --------------------------------------------------------------------

GETTEXT = {
    "_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy",
    "npgettext", "npgettext_lazy", "gettext_noop", "_lazy", "_noop",
}  # fmt: skip
QUIET_CALLS = {
    "debug", "info", "warning", "error", "exception", "critical", "print", "warn", "RunSQL",
    "execute", "Index", "CheckConstraint", "UniqueConstraint", "getLogger", "add_argument",
    "setdefault", "get", "pop", "startswith", "endswith", "replace", "split", "strip", "format_lazy",
    "extra", "RawSQL", "connect", "Sign", "re_path", "path", "register", "filter", "exclude",
}  # fmt: skip
DEVELOPER_ERRORS = {
    "ValueError", "TypeError", "RuntimeError", "KeyError", "AssertionError", "ImproperlyConfigured",
    "NotImplementedError", "LookupError", "AttributeError", "CommandError", "SuspiciousOperation",
    "ObjectDoesNotExist", "DoesNotExist", "Http404", "BadRequest", "DisallowedHost",
}  # fmt: skip
LABEL_KEYWORDS = {
    "label",
    "help_text",
    "verbose_name",
    "verbose_name_plural",
    "empty_label",
    "empty_value_display",
}
SQL = re.compile(
    r"^\s*(SELECT|WITH|UPDATE|INSERT|DELETE|CREATE|DROP|ALTER|SET|COUNT|AVG|SUM)\b|\b(FROM|WHERE)\b"
)
PROSE = re.compile(r"^[A-Z][a-z]+(?:[ ,:;.!?'’–—-]|$)|^[a-z]+ [a-z]+ .*[.?!:]$")


def _name(node) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


class _PythonFinder(ast.NodeVisitor):
    def __init__(self, lines: list[str]):
        self.lines = lines
        self.problems: list[tuple[int, str]] = []
        self.quiet = 0
        self.in_choices = False

    def _exempt(self, node) -> bool:
        end = getattr(node, "end_lineno", node.lineno)
        return any(EXEMPT in self.lines[n - 1] for n in range(node.lineno, end + 1))

    def _flag(self, node, text: str, why: str) -> None:
        if not self._exempt(node):
            self.problems.append((node.lineno, f"{why} {text[:60]!r}"))

    def _body(self, body) -> None:
        for i, statement in enumerate(body):
            is_docstring = (
                i == 0
                and isinstance(statement, ast.Expr)
                and isinstance(statement.value, ast.Constant)
                and isinstance(statement.value.value, str)
            )
            if not is_docstring:
                self.visit(statement)

    def visit_Module(self, node):
        self._body(node.body)

    def visit_FunctionDef(self, node):
        for decorator in node.decorator_list:
            self.visit(decorator)
        self.visit(node.args)
        self._body(node.body)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node):
        choices = any(_name(base).endswith("Choices") for base in node.bases)
        for base in node.bases:
            self.visit(base)
        before, self.in_choices = self.in_choices, choices
        self._body(node.body)
        self.in_choices = before

    def visit_Assign(self, node):
        if any(_name(target) == "__all__" for target in node.targets):
            return
        value = node.value
        if self.in_choices and isinstance(value, ast.Tuple) and value.elts:
            label = value.elts[-1]
            if isinstance(label, ast.Constant) and isinstance(label.value, str):
                self._flag(label, label.value, "unmarked choice label")
        self.generic_visit(node)

    def visit_Raise(self, node):
        exc = node.exc
        called = exc.func if isinstance(exc, ast.Call) else exc
        if _name(called) in DEVELOPER_ERRORS:
            self.quiet += 1
            self.generic_visit(node)
            self.quiet -= 1
        else:
            self.generic_visit(node)

    def visit_Call(self, node):
        name = _name(node.func)
        if name in GETTEXT:
            return
        for keyword in node.keywords:
            value = keyword.value
            if (
                keyword.arg in LABEL_KEYWORDS
                and isinstance(value, ast.Constant)
                and isinstance(value.value, str)
                and LETTER.search(value.value)
            ):
                self._flag(value, value.value, f"unmarked {keyword.arg}")
        first = node.args[0] if node.args else None
        if (
            name.endswith("Field")
            and isinstance(first, ast.Constant)
            and isinstance(first.value, str)
            and LETTER.search(first.value)
        ):
            self._flag(first, first.value, "unmarked verbose name")
        if name in QUIET_CALLS or name in DEVELOPER_ERRORS:
            self.quiet += 1
            self.generic_visit(node)
            self.quiet -= 1
        else:
            self.generic_visit(node)

    def visit_Subscript(self, node):
        self.visit(node.value)  # a key (response["Content-Type"]) is a name, not words

    def visit_Dict(self, node):
        for value in node.values:  # a key ({"Message-ID": …}) is a name, not words
            self.visit(value)

    def visit_Compare(self, node):
        return  # compared with, not shown

    def visit_JoinedStr(self, node):
        text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        self._check(node, text)

    def visit_Constant(self, node):
        if isinstance(node.value, str):
            self._check(node, node.value)

    def _check(self, node, text: str) -> None:
        if self.quiet or SQL.search(text) or not PROSE.search(text):
            return
        self._flag(node, text, "unmarked words")


def python_problems(path: Path) -> list[tuple[int, str]]:
    """(line, what) for each unmarked string shown to people in the module at ``path``."""
    source = path.read_text(encoding="utf-8")
    finder = _PythonFinder(source.splitlines())
    finder.visit(ast.parse(source))
    return finder.problems


def _python_files(paths: list[Path]) -> list[Path]:
    found = []
    for base in paths:
        for path in sorted([base] if base.is_file() else base.rglob("*.py")):
            if path.suffix == ".py" and not any(part in NOT_SCANNED for part in path.relative_to(ROOT).parts):
                found.append(path)
    return found


def _template_files(paths: list[Path]) -> list[Path]:
    found = []
    for base in paths:
        for path in sorted([base] if base.is_file() else base.rglob("*")):
            if path.suffix in (".html", ".txt"):
                found.append(path)
    return found


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")
    import django

    django.setup()


def our_apps() -> list[Path]:
    """The folders of the product's apps (settings.INSTALLED_APPS in this
    repository), the demo data and the benchmark aside: they are data."""
    _setup()
    from django.apps import apps

    ours = [Path(app.path) for app in apps.get_app_configs() if app.label not in ("demo", "bench")]
    return [path for path in ours if path.parent == ROOT]


def mark_problems(paths: list[Path]) -> list[str]:
    """Every unmarked word under ``paths`` (templates and Python), as "path:line: what"."""
    _setup()
    found = []
    for path in _template_files(paths):
        found += [f"{path.relative_to(ROOT)}:{line}: {what}" for line, what in template_problems(path)]
    for path in _python_files(paths):
        found += [f"{path.relative_to(ROOT)}:{line}: {what}" for line, what in python_problems(path)]
    return found


# --- Catalogues ------------------------------------------------------------------


def catalogue_problems() -> list[str]:
    """Refreshes the catalogues (makemessages) and names each language with
    untranslated or fuzzy entries; compiles them when complete."""
    _setup()
    from django.conf import settings
    from django.core.management import call_command

    languages = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    locales = [code.replace("-", "_") for code in languages]
    os.chdir(ROOT)
    call_command(
        "makemessages",
        locale=locales,
        extensions=["html", "txt", "py"],
        ignore_patterns=[
            "tests/*",
            "bench/*",
            "demo/*",
            "scripts/*",
            ".venv/*",
            "staticfiles/*",
            "node_modules/*",
        ],
        add_location="file",
        no_obsolete=True,
        verbosity=0,
    )
    problems = []
    for locale in locales:
        po = ROOT / "locale" / locale / "LC_MESSAGES" / "django.po"
        result = subprocess.run(
            ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(po)],
            capture_output=True,
            text=True,
        )
        statistics = result.stderr.strip()
        print(f"{locale}: {statistics}")
        if result.returncode or "untranslated" in statistics or "fuzzy" in statistics:
            problems.append(f"{po.relative_to(ROOT)}: {statistics}")
    if not problems:
        call_command("compilemessages", locale=locales, verbosity=0)
    return problems


def main(argv: list[str]) -> int:
    marks_only = "--marks-only" in argv
    paths = [Path(a).resolve() for a in argv if not a.startswith("--")]
    if not paths:
        paths = [ROOT / "templates", *our_apps()]
    problems = mark_problems(paths)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} words shown to people are not marked for translation.", file=sys.stderr)
        return 1
    if marks_only:
        return 0
    catalogue = catalogue_problems()
    for problem in catalogue:
        print(problem, file=sys.stderr)
    return 1 if catalogue else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
