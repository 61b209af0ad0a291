"""The code's layout holds (README, "Code layout"): no app holds more than a
third of the code, and no module outside migrations passes 450 lines, so a
newcomer finds one job per app and one feature per module. Which app may
import which is checked by `make check` (import-linter's layers contract in
pyproject.toml)."""

from pathlib import Path

from tests.pages import our_app_labels

ROOT = Path(__file__).resolve().parent.parent
MODULE_LINES_MAX = 450


def _modules(app: str) -> list[Path]:
    return [p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_module_outside_migrations_passes_450_lines():
    long = {
        str(path.relative_to(ROOT)): _lines(path)
        for app in sorted(our_app_labels() | {"bench"})
        for path in _modules(app)
        if _lines(path) > MODULE_LINES_MAX
    }
    assert long == {}, f"split these by feature (services/, selectors/, forms/ packages): {long}"


def test_no_app_holds_more_than_a_third_of_the_code():
    sizes = {app: sum(_lines(path) for path in _modules(app)) for app in our_app_labels() | {"bench"}}
    total = sum(sizes.values())
    assert len(sizes) >= 8, sizes  # every app is counted
    too_big = {app: f"{size / total:.0%}" for app, size in sizes.items() if size * 3 > total}
    assert too_big == {}, sizes
