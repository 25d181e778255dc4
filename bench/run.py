"""All benchmarks: `make bench`. Speed goals live here, not in timed tests."""
import runpy
from pathlib import Path

HERE = Path(__file__).parent
for name in ("extract_speed.py", "build_speed.py", "math_speed.py", "reload_speed.py", "lighthouse.py"):
    if (HERE / name).exists():
        print(f"== {name}")
        runpy.run_path(str(HERE / name), run_name="__main__")
