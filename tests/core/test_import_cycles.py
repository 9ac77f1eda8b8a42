"""No two of the project's modules import each other (directly, at module level or inside a function),
but the accepted pairs: a capability's services and its Celery tasks, where the service enqueues
the task on commit and the task calls the service back."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The core, then the capabilities in layers: each may import those before it, never one after it.
LAYERS = {
    "onegate": set(),
    "registry": {"onegate"},
    "assessments": {"onegate", "registry"},
    "notices": {"onegate"},
    "complaints": {"onegate", "registry", "assessments", "notices"},
    "referrals": {"onegate", "registry", "assessments", "notices", "complaints"},
    "reports": {"onegate", "registry", "assessments", "notices", "complaints", "referrals"},
}
PACKAGES = tuple(LAYERS)
# The service <-> task pairs that enqueue on commit: the accepted pattern.
ACCEPTED = {
    frozenset({"registry.importing.batches", "registry.importing.tasks"}),
    frozenset({"reports.services", "reports.tasks"}),
    frozenset({"notices.services", "notices.tasks"}),
}


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules ``name`` imports anywhere in its text."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # "from package import module" imports the module; "from module import name" the module.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def two_module_cycles() -> set[frozenset[str]]:
    modules = project_modules()
    graph = {name: imports_of(name, path, modules) for name, path in modules.items()}
    return {frozenset({a, b}) for a, targets in graph.items() for b in targets if a in graph.get(b, ())}


def test_no_two_modules_import_each_other():
    cycles = two_module_cycles() - ACCEPTED
    assert not cycles, sorted(sorted(pair) for pair in cycles)


def test_the_detector_sees_a_cycle(tmp_path, monkeypatch):
    package = tmp_path / "onegate"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from . import b\n")
    (package / "b.py").write_text("def f():\n    from onegate.a import x\n")
    for other in PACKAGES[1:]:
        (tmp_path / other).mkdir()
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert two_module_cycles() == {frozenset({"onegate.a", "onegate.b"})}


def test_every_project_package_is_in_a_layer():
    packages = {path.parent.name for path in ROOT.glob("*/apps.py")} | {"onegate"}
    assert packages <= set(LAYERS), packages - set(LAYERS)


def test_no_import_runs_up_the_layers():
    """The core imports no capability; a capability imports only the layers below it (a section it
    adds to another's page goes through onegate.panels, not an import)."""
    modules = project_modules()
    upward = sorted(
        (name, target)
        for name, path in modules.items()
        for target in imports_of(name, path, modules)
        if (package := name.split(".")[0]) != (other := target.split(".")[0]) and other not in LAYERS[package]
    )
    assert not upward, upward


def test_only_development_commands_import_the_development_data():
    """Demo and synthetic data live in each app's devdata package: the portal's own modules never
    import them (the demo steps are found by onegate.demo when seeding)."""
    modules = project_modules()
    importers = {
        name
        for name, path in modules.items()
        if ".devdata" not in name and any(".devdata" in target for target in imports_of(name, path, modules))
    }
    assert all(".management.commands." in name for name in importers), sorted(importers)
