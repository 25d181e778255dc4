"""The build side: content/*.md -> articles -> index -> Markdown -> views ->
pages -> public/. It never imports the extract side. `build` is its entry point."""
from .pipeline import BuildResult, BuildState, build

__all__ = ["BuildResult", "BuildState", "build"]
