"""The build side: content/*.md -> articles -> index -> Markdown -> views ->
pages -> public/. It never imports the extract side. `build` is its entry point.

Its names are imported on first use: the CLI's no-change check (unchanged.py) must
not pay for Jinja2, markdown-it and Pygments when there is nothing to build."""

__all__ = ["BuildResult", "BuildState", "build"]


def __getattr__(name: str):
    if name in __all__:
        from . import pipeline
        return getattr(pipeline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
