"""Child-process entry: `python -m bench.worker CASE JSON_KWARGS OUT_PATH` (one case per process)."""
from __future__ import annotations

import json
import sys
import time
import traceback


def main() -> int:
    case, kwargs, out = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
    from bench import cases
    from bench.util import peak_rss_mb, rss_mb

    t = time.perf_counter()
    try:
        res = getattr(cases, case)(**kwargs)
    except Exception:
        traceback.print_exc()
        return 1
    res.setdefault("case", case)
    res["case_s"] = time.perf_counter() - t
    res["peak_rss_mb"] = peak_rss_mb()
    res["end_rss_mb"] = rss_mb()
    with open(out, "w") as fh:
        json.dump(res, fh, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
