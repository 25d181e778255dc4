"""The package's shape, read from the source: the build side never reaches the
extract side, the floor reaches neither, nothing imports the CLI, and module-level
imports have no cycles."""
from __future__ import annotations

import ast
from pathlib import Path

import feedsite

PACKAGE = Path(feedsite.__file__).parent
FLOOR = {"errors", "config", "spans", "slugs", "frontmatter", "urls", "faults", "files", "cache"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, top_level_only: bool) -> set[str]:
    """Modules of feedsite that `path` imports (at module level, or anywhere)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if base.startswith("feedsite"):
                # `from . import x` may name a submodule rather than an attribute.
                subs = {f"{base}.{a.name}" for a in node.names} & MODULES.keys()
                found.update(subs if len(subs) == len(node.names) else {base, *subs})
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("feedsite"))
    # A package is always imported before its modules; that edge is not a cycle.
    return {m for m in found if m in MODULES and not name.startswith(m + ".")} - {name}


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def side(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "package"


def test_the_build_side_never_imports_the_extract_side():
    for name, path in MODULES.items():
        if side(name) == "build":
            assert not {m for m in imports(path, False) if side(m) == "extract"}, name


def test_the_floor_stands_on_nothing_above_it():
    for name in (f"feedsite.{m}" for m in FLOOR):
        above = {m for m in imports(MODULES[name], False) if m.split(".")[1] not in FLOOR}
        assert not above, f"{name} imports {above}"


def test_nothing_imports_the_cli():
    for name, path in MODULES.items():
        if name not in ("feedsite.cli", "feedsite.__main__"):
            assert "feedsite.cli" not in imports(path, False), name


def test_module_level_imports_have_no_cycle():
    graph = {name: imports(path, True) for name, path in MODULES.items()}
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> None:
        assert name not in trail, " -> ".join([*trail, name])
        if name in done:
            return
        for target in sorted(graph[name]):
            visit(target, [*trail, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])


def test_the_checker_sees_the_imports_it_guards():
    # A guard that reads nothing would pass forever: it must see real edges.
    assert "feedsite.build.pages" in imports(MODULES["feedsite.build.pipeline"], True)
    assert "feedsite.extract.store" in imports(MODULES["feedsite.extract.pipeline"], True)
    assert "feedsite.frontmatter" in imports(MODULES["feedsite.build.content"], True)
